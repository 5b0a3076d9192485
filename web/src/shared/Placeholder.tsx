import { ToolOutlined } from '@ant-design/icons';
import { Card, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** A page of an area that is not built yet: its title, what it will do, and that it is coming. */
export function Placeholder({ title, description }: { title: string; description?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Card>
        <Result icon={<ToolOutlined aria-hidden />} title={t('placeholder.title')} subTitle={description ?? t('placeholder.subtitle')} />
      </Card>
    </>
  );
}
