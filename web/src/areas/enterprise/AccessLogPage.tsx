import { CheckCircleFilled, CloseCircleFilled, ClockCircleOutlined, LoadingOutlined, WarningFilled } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Flex, List, Space, Tag, Tooltip, Typography } from 'antd';
import { ToneTag } from './ToneTag.tsx';
import type { Answer } from '@certbridge/client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, problemMessage } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { checkEntry, verifyTreeHeadSignature, type EntryCheck, type SignatureCheck, type TreeHead } from './merkle.ts';
import { fieldTitleIn, useAllStandards } from '../../shared/licenseTypes/standard.ts';
import { nameIn, useHolder, useLanguage } from './portal.ts';

/** A page of uses of the holder's data: a system's access, a department's report, a read by staff. */
type AccessPage = Answer<'/api/v1/holders/{holderCode}/access-log'>;

type ProofState = { state: 'checking' } | { state: 'error'; message: string } | EntryCheck;
type HeadState = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'loaded'; head: TreeHead; signature: SignatureCheck | 'checking' };

const PAGE = 20;

/**
 * 数据使用记录: who used the enterprise's data. Each entry's proof is checked here, in the
 * browser, against the signed tree head (GET /api/v1/audit/tree-head, its signature checked with
 * the log key of /.well-known/jwks.json) with the entry's inclusion proof in that head
 * (GET /api/v1/audit/proofs/inclusion) — nothing the platform says about the entry is trusted.
 */
export default function AccessLogPage() {
  const { t } = useTranslation('enterprise');
  const { t: common } = useTranslation();
  const language = useLanguage();
  const { holderCode } = useHolder();
  const treeHeadQuery = $api.useQuery('get', '/api/v1/audit/tree-head');
  const jwksQuery = $api.useQuery('get', '/.well-known/jwks.json');
  const log = useInfiniteQuery({
    queryKey: ['get', '/api/v1/holders/{holderCode}/access-log', { holderCode, limit: PAGE }],
    queryFn: ({ pageParam, signal }) =>
      answer(platform.GET('/api/v1/holders/{holderCode}/access-log', { params: { path: { holderCode }, query: { limit: PAGE, before: pageParam } }, signal })),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page: AccessPage) => page.next ?? undefined,
  });
  const items = useMemo(() => log.data?.pages.flatMap((page) => page.items), [log.data]);
  const next = log.hasNextPage;
  const error = log.error ? problemMessage(log.error, t) : undefined;
  const [proofs, setProofs] = useState<Record<number, ProofState>>({});
  const standards = useAllStandards();
  // The proof's technical words are there for whoever asks; the clerk reads the summary.
  const [showDetails, setShowDetails] = useState(false);
  const [openProofs, setOpenProofs] = useState<Set<number>>(new Set());

  // The tree head, and its signature checked with the published log key.
  const [signature, setSignature] = useState<{ head: TreeHead; check: SignatureCheck }>();
  useEffect(() => {
    const treeHead = treeHeadQuery.data;
    const jwks = jwksQuery.data;
    if (!treeHead || !jwks) return;
    let live = true;
    void verifyTreeHeadSignature(treeHead, jwks.keys).then((check) => live && setSignature({ head: treeHead, check }));
    return () => {
      live = false;
    };
  }, [treeHeadQuery.data, jwksQuery.data]);
  const headError = treeHeadQuery.error ?? jwksQuery.error;
  const head: HeadState =
    treeHeadQuery.data && jwksQuery.data
      ? { state: 'loaded', head: treeHeadQuery.data, signature: signature?.head === treeHeadQuery.data ? signature.check : 'checking' }
      : headError
        ? { state: 'failed', message: problemMessage(headError, t) }
        : { state: 'loading' };

  // Each entry's inclusion proof in the head, checked as soon as both are there.
  const treeHead = head.state === 'loaded' ? head.head : undefined;
  const started = useRef(new Set<string>());
  useEffect(() => {
    if (!treeHead || !items) return;
    for (const item of items) {
      const key = `${treeHead.treeSize}:${treeHead.rootHash}:${item.index}`;
      if (started.current.has(key)) continue;
      started.current.add(key);
      setProofs((current) => ({ ...current, [item.index]: { state: 'checking' } }));
      (async (): Promise<ProofState> => {
        if (item.index >= treeHead.treeSize) return { state: 'pending' };
        const proof = await answer(platform.GET('/api/v1/audit/proofs/inclusion', { params: { query: { index: item.index, treeSize: treeHead.treeSize } } }));
        return checkEntry(item.entry, item.index, treeHead, proof, item.leafHash);
      })()
        .catch((e: unknown): ProofState => {
          started.current.delete(key);
          return { state: 'error', message: problemMessage(e, t) };
        })
        .then((result) => setProofs((current) => ({ ...current, [item.index]: result })));
    }
  }, [treeHead, items, t]);

  const headSignatureOk = head.state === 'loaded' && head.signature !== 'checking' && (head.signature.ok || head.signature.reason === 'unsupported');

  function proofTag(index: number) {
    const proof = proofs[index] ?? { state: 'checking' };
    if (proof.state === 'checking') return <Tag icon={<LoadingOutlined aria-hidden />}>{t('accessLog.proof.checking')}</Tag>;
    if (proof.state === 'pending') return <Tag icon={<ClockCircleOutlined aria-hidden />}>{t('accessLog.proof.pending')}</Tag>;
    if (proof.state === 'error')
      return (
        <Tooltip title={proof.message}>
          <ToneTag tone="orange" icon={<WarningFilled aria-hidden />}>
            {t('accessLog.proof.error')}
          </ToneTag>
        </Tooltip>
      );
    if (proof.state === 'invalid')
      return (
        <ToneTag tone="red" icon={<CloseCircleFilled aria-hidden />} data-testid="proof-state" data-state="invalid" title={t(proof.why === 'leaf-hash' ? 'accessLog.proof.invalidLeaf' : 'accessLog.proof.invalidPath')}>
          {t('accessLog.proof.invalid')}
        </ToneTag>
      );
    if (head.state === 'loaded' && head.signature !== 'checking' && !headSignatureOk) {
      return (
        <ToneTag tone="red" icon={<CloseCircleFilled aria-hidden />} data-testid="proof-state" data-state="head-invalid">
          {t('accessLog.proof.headInvalid')}
        </ToneTag>
      );
    }
    return (
      <ToneTag tone="green" icon={<CheckCircleFilled aria-hidden />} data-testid="proof-state" data-state="valid">
        {t('accessLog.proof.valid')}
      </ToneTag>
    );
  }

  const summary = ((): { state: 'checking' | 'proven' | 'failed' | 'unchecked'; count: number } => {
    if (head.state === 'failed') return { state: 'unchecked', count: items?.length ?? 0 };
    if (head.state === 'loaded' && head.signature !== 'checking' && !headSignatureOk) return { state: 'failed', count: items?.length ?? 0 };
    const states = (items ?? []).map((item) => (proofs[item.index] ?? { state: 'checking' }).state);
    const invalid = states.filter((s) => s === 'invalid').length;
    if (invalid > 0) return { state: 'failed', count: invalid };
    if (head.state !== 'loaded' || head.signature === 'checking' || states.includes('checking')) return { state: 'checking', count: 0 };
    const unchecked = states.filter((s) => s === 'error').length;
    return unchecked > 0 ? { state: 'unchecked', count: unchecked } : { state: 'proven', count: 0 };
  })();
  const summaryType = { checking: 'info', proven: 'success', failed: 'error', unchecked: 'warning' } as const;

  const toggleProof = (index: number) =>
    setOpenProofs((current) => {
      const open = new Set(current);
      if (!open.delete(index)) open.add(index);
      return open;
    });

  const outcomeTone = (outcome: string | null) => (outcome === 'allowed' ? 'blue' : outcome === 'denied' ? 'volcano' : 'default');

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('accessLog.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('accessLog.intro')}</Typography.Paragraph>

      {items && items.length > 0 ? (
        <Alert
          data-testid="verification-summary"
          data-state={summary.state}
          type={summaryType[summary.state]}
          showIcon
          style={{ marginBottom: 16 }}
          title={t(`accessLog.summary.${summary.state}`, { count: summary.count })}
          description={summary.state === 'proven' ? t('accessLog.summary.provenDetail') : undefined}
          action={
            <Button size="small" onClick={() => setShowDetails((shown) => !shown)} aria-expanded={showDetails}>
              {t(showDetails ? 'accessLog.summary.hideDetails' : 'accessLog.summary.showDetails')}
            </Button>
          }
        />
      ) : null}

      {showDetails || (items && items.length === 0) ? (
      <Card title={t('accessLog.summary.detailsTitle')} size="small" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t('accessLog.technical')}
        </Typography.Paragraph>
        <Typography.Text strong>{t('accessLog.head.title')}</Typography.Text>
        {head.state === 'loading' ? <Typography.Text>{common('loading')}</Typography.Text> : null}
        {head.state === 'failed' ? <Alert type="warning" showIcon title={t('accessLog.head.failed')} description={head.message} /> : null}
        {head.state === 'loaded' ? (
          <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2 }}>
            <Descriptions.Item label={t('accessLog.head.size')}>{head.head.treeSize.toLocaleString(language)}</Descriptions.Item>
            <Descriptions.Item label={t('accessLog.head.signedAt')}>{formatInstant(head.head.timestamp, language)}</Descriptions.Item>
            <Descriptions.Item label={t('accessLog.head.signature')}>
              <span data-testid="head-signature" data-state={head.signature === 'checking' ? 'checking' : head.signature.ok ? 'valid' : head.signature.reason}>
                {head.signature === 'checking' ? (
                  <Tag icon={<LoadingOutlined aria-hidden />}>{t('accessLog.head.checking')}</Tag>
                ) : head.signature.ok ? (
                  <ToneTag tone="green" icon={<CheckCircleFilled aria-hidden />}>
                    {t('accessLog.head.valid')}
                  </ToneTag>
                ) : head.signature.reason === 'unsupported' ? (
                  <ToneTag tone="orange" icon={<WarningFilled aria-hidden />}>
                    {t('accessLog.head.unsupported')}
                  </ToneTag>
                ) : (
                  <Tooltip title={head.signature.detail}>
                    <ToneTag tone="red" icon={<CloseCircleFilled aria-hidden />}>
                      {t('accessLog.head.invalid')}
                    </ToneTag>
                  </Tooltip>
                )}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('accessLog.head.root')}>
              <Typography.Text code style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>
                {head.head.rootHash}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        ) : null}
      </Card>
      ) : null}

      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('accessLog.loadFailed')}
          description={error}
          style={{ marginBottom: 16 }}
          action={
            <Button
              size="small"
              onClick={() => {
                if (headError) {
                  void treeHeadQuery.refetch();
                  void jwksQuery.refetch();
                }
                void log.refetch();
              }}
            >
              {common('retry')}
            </Button>
          }
        />
      ) : null}
      {!items && !error ? <PageLoading /> : null}
      {items && items.length === 0 ? (
        <Card>
          <Empty description={t('accessLog.empty')} />
        </Card>
      ) : null}
      {items && items.length > 0 ? (
        <Card styles={{ body: { paddingBlock: 4 } }}>
          <List
            dataSource={items}
            rowKey={(item) => item.index}
            renderItem={(item) => (
              <List.Item data-testid="access" style={{ display: 'block' }}>
                <Flex justify="space-between" align="flex-start" gap={8} wrap>
                  <div style={{ minWidth: 0 }}>
                    <Typography.Text strong>{nameIn(language, item.department) ?? item.department.code ?? t('accessLog.unknown')}</Typography.Text>
                    <div>
                      <Typography.Text type="secondary">{formatInstant(item.at, language)}</Typography.Text>
                    </div>
                  </div>
                  <Space wrap size={[4, 4]}>
                    {item.outcome ? <ToneTag tone={outcomeTone(item.outcome)}>{t(`accessLog.outcomes.${item.outcome}`, { defaultValue: item.outcome })}</ToneTag> : null}
                    {proofTag(item.index)}
                  </Space>
                </Flex>
                <Descriptions size="small" column={{ xs: 1, sm: 1, md: 3 }} style={{ marginTop: 8 }}>
                  <Descriptions.Item label={t('accessLog.system')}>{item.system.name ?? item.system.clientId ?? (item.kind === 'read' ? String(item.entry.actor ?? '') : null) ?? t('accessLog.unknown')}</Descriptions.Item>
                  <Descriptions.Item label={t('accessLog.purpose')}>{nameIn(language, item.purpose) ?? item.purpose.code ?? t('accessLog.unknown')}</Descriptions.Item>
                  {item.fields.length > 0 ? (
                    <Descriptions.Item label={t('accessLog.fields')} span={{ xs: 1, sm: 1, md: 3 }}>
                      {item.fields.map((f) => fieldTitleIn(standards, f, language, (item.entry.data as { type?: unknown } | undefined)?.type)).join(language === 'en' ? ', ' : '、')}
                    </Descriptions.Item>
                  ) : null}
                </Descriptions>
                <Button size="small" style={{ marginTop: 4 }} onClick={() => toggleProof(item.index)} aria-expanded={openProofs.has(item.index)}>
                  {t(openProofs.has(item.index) ? 'accessLog.proof.hide' : 'accessLog.proof.show')}
                </Button>
                {openProofs.has(item.index) ? (
                  <Descriptions size="small" column={1} bordered data-testid="proof-details">
                    <Descriptions.Item label={t('accessLog.proof.position')}>{t('accessLog.proof.index', { index: item.index })}</Descriptions.Item>
                    <Descriptions.Item label={t('accessLog.proof.leafHash')}>
                      <Typography.Text code style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>
                        {item.leafHash}
                      </Typography.Text>
                    </Descriptions.Item>
                    {treeHead ? (
                      <Descriptions.Item label={t('accessLog.proof.inHead')}>
                        {t('accessLog.proof.headOf', { size: treeHead.treeSize.toLocaleString(language) })}
                        <div>
                          <Typography.Text code style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>
                            {treeHead.rootHash}
                          </Typography.Text>
                        </div>
                      </Descriptions.Item>
                    ) : null}
                  </Descriptions>
                ) : null}
              </List.Item>
            )}
          />
          {next ? (
            <Flex justify="center" style={{ padding: 12 }}>
              <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                {t('accessLog.more')}
              </Button>
            </Flex>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
