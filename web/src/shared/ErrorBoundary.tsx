import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { i18next } from '../app/i18n.ts';

/**
 * A page that throws shows a way out instead of a blank screen. A chunk that no longer exists
 * (the platform was updated while the page was open) is fixed by reloading.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    const t = i18next.getFixedT(null, 'common');
    return (
      <Result
        status="error"
        title={t('crashed.title')}
        subTitle={t('crashed.subtitle')}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {t('retry')}
          </Button>
        }
      />
    );
  }
}
