/**
 * 使用帮助: the guide of each role the signed-in principal has, step by step with pictures of the
 * pages, and a button that starts the role's guided tour(s) (on practice data: outside practice
 * mode it asks to switch into it first, see TourStart).
 */
import { Alert, Card, Flex, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../app/session.tsx';
import { TourStart } from '../../shared/tours/index.ts';
import { useLanguage } from '../enterprise/portal.ts';
import { guideOf, type Guide, type GuideRole } from './guides.ts';

function Picture({ screen, alt }: { screen: string; alt: string }) {
  const [missing, setMissing] = useState(false);
  if (missing) return null;
  return (
    <img
      src={`/help/screens/${screen}.jpg`}
      alt={alt}
      loading="lazy"
      onError={() => setMissing(true)}
      style={{ maxWidth: '100%', border: '1px solid #f0f0f0', borderRadius: 6, marginTop: 8 }}
    />
  );
}

function GuideView({ role, guide }: { role: GuideRole; guide: Guide }) {
  const { t } = useTranslation('help');
  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph style={{ fontSize: 15, maxWidth: 900 }}>{guide.intro}</Typography.Paragraph>
      <Alert
        type="info"
        showIcon
        title={t('tourTitle')}
        description={t('tourText')}
        action={<TourStart roles={[role]} label={t('startTour')} size="middle" />}
        data-testid={`help-tour-${role}`}
        style={{ flexWrap: 'wrap', rowGap: 8 }}
      />
      {guide.sections.map((section, i) => (
        <Card key={section.heading} size="small">
          <Typography.Title level={2} style={{ fontSize: 17, marginTop: 0 }}>
            {i + 1}. {section.heading}
          </Typography.Title>
          <ol style={{ paddingInlineStart: 20, margin: 0, lineHeight: 1.9 }}>
            {section.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          {section.link && (
            <Link to={section.link} style={{ display: 'inline-block', marginTop: 8 }}>
              {t('openPage')}
            </Link>
          )}
          {section.screen && <Picture screen={section.screen} alt={t('picture', { heading: section.heading })} />}
        </Card>
      ))}
    </Flex>
  );
}

export default function HelpArea() {
  const { t } = useTranslation('help');
  const language = useLanguage();
  const { principal } = useSession();
  const roles: GuideRole[] = principal?.kind === 'holder' ? ['enterprise'] : (principal?.roles ?? []);
  const guides = roles.map((role) => ({ role, guide: guideOf(role, language) }));
  const [first] = guides;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {guides.length === 1 && first ? first.guide.title : t('menu.guide')}
      </Typography.Title>
      {guides.length === 1 && first ? (
        <GuideView role={first.role} guide={first.guide} />
      ) : (
        <Tabs items={guides.map(({ role, guide }) => ({ key: role, label: guide.title, children: <GuideView role={role} guide={guide} /> }))} />
      )}
    </>
  );
}
