import { Flex, Spin } from 'antd';
import { useTranslation } from 'react-i18next';

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <Flex align="center" justify="center" style={{ minHeight: '40vh' }} role="status" aria-live="polite">
      <Spin size="large" description={t('loading')} />
    </Flex>
  );
}
