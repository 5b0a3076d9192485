/**
 * A license's history: its versions (GET …/versions, immutable; each amendment a new one) with
 * what changed from the version before, field by field; and its status changes (GET …/events).
 */
import type { Answer } from '@certbridge/client';
import { Empty, Table, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate, formatInstant, isCalendarDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { who } from '../../shared/who.ts';
import { diffData, type FieldChange } from './licenseDiff.ts';
import { fieldTitle, useStandard } from './shared.tsx';

export type LicenseVersion = Answer<'/api/v1/licenses/{identifier}/versions'>[number];
export type LicenseEvent = Answer<'/api/v1/licenses/{identifier}/events'>[number];

const EVENT_CHANGE: Record<string, string> = {
  issued: 'issue',
  amended: 'amend',
  suspended: 'suspend',
  reinstated: 'reinstate',
  revoked: 'revoke',
  cancelled: 'cancel',
  expired: 'expire',
};

export function VersionHistory({ type, versions }: { type: string; versions: LicenseVersion[] }) {
  const { t } = useTranslation('issuer');
  const { t: common } = useTranslation();
  const language = currentLanguage();
  const standard = useStandard(type);
  const order = standard ? Object.keys(standard.dataSchema.properties) : [];
  // The end of a printed range (营业期限至) left empty is open-ended: 长期.
  const openEnds = new Set(standard?.display.fields.flatMap((entry) => (entry.range ? [entry.range[1]] : [])) ?? []);
  const show = (field: string, value: unknown) => {
    if (value === null && openEnds.has(field)) return common('longTerm');
    if (value === undefined || value === null || value === '') return t('detail.empty');
    if (isCalendarDate(value)) return formatDate(value, language);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return (
    <Timeline
      items={newestFirst.map((version) => {
        const previous = versions.find((v) => v.version === version.version - 1);
        const changes = previous ? diffData(previous.data, version.data, order) : [];
        return {
          key: version.version,
          color: version.change === 'amend' ? 'blue' : 'green',
          content: (
            <section data-version={version.version} aria-label={t('detail.version', { version: version.version })}>
              <Typography.Text strong>
                {t('detail.version', { version: version.version })} · {t(`detail.changes.${version.change}`, { defaultValue: version.change })}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">{t('detail.versionBy', { actor: who(version.createdBy, version.createdByName), time: formatInstant(version.createdAt, language) })}</Typography.Text>
              </div>
              {version.reason ? <div>{t('detail.reason', { reason: version.reason })}</div> : null}
              <Typography.Text type="secondary" className="cb-break" style={{ fontSize: 12 }}>
                {version.identifier}
              </Typography.Text>
              {previous ? (
                changes.length > 0 ? (
                  <Table<FieldChange>
                    style={{ marginTop: 8 }}
                    size="small"
                    rowKey="field"
                    pagination={false}
                    dataSource={changes}
                    scroll={{ x: 'max-content' }}
                    columns={[
                      { title: t('detail.diffField'), dataIndex: 'field', render: (field: string) => fieldTitle(standard, field, language) },
                      { title: t('detail.diffBefore'), dataIndex: 'before', render: (value: unknown, row) => <del className="cb-break" style={{ color: '#820014' }}>{show(row.field, value)}</del> },
                      { title: t('detail.diffAfter'), dataIndex: 'after', render: (value: unknown, row) => <ins className="cb-break" style={{ color: '#135200', textDecoration: 'none' }}>{show(row.field, value)}</ins> },
                    ]}
                  />
                ) : (
                  <div>
                    <Typography.Text type="secondary">{t('detail.noChanges')}</Typography.Text>
                  </div>
                )
              ) : (
                <div>
                  <Typography.Text type="secondary">{t('detail.firstVersion')}</Typography.Text>
                </div>
              )}
            </section>
          ),
        };
      })}
    />
  );
}

export function EventHistory({ events }: { events: LicenseEvent[] }) {
  const { t } = useTranslation('issuer');
  const language = currentLanguage();
  if (events.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      items={[...events].reverse().map((event, i) => ({
        key: `${event.at}-${i}`,
        color: ['revoked', 'cancelled'].includes(event.event) ? 'red' : event.event === 'suspended' ? 'orange' : 'green',
        content: (
          <div data-event={event.event}>
            <Typography.Text strong>{t(`detail.changes.${EVENT_CHANGE[event.event] ?? event.event}`, { defaultValue: event.event })}</Typography.Text>{' '}
            <Typography.Text type="secondary">{t('detail.versionBy', { actor: who(event.actor, event.actorName), time: formatInstant(event.at, language) })}</Typography.Text>
            {event.reason ? <div className="cb-break">{t('detail.reason', { reason: event.reason })}</div> : null}
          </div>
        ),
      }))}
    />
  );
}
