/**
 * The practice switch (练习模式) for whoever is signed in to the console — staff or an enterprise:
 *   GET  /api/v1/session/practice          → { practice, copy }
 *   POST /api/v1/session/practice {on}     → the same; the session then acts for the copy
 *   POST /api/v1/session/practice/reset    → the same, with a fresh copy
 * After a switch the session is read again: it acts for another department (or enterprise) now.
 */
import { App as AntApp } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, changingSession, platform, problemMessage } from '../app/api.ts';
import { useSession } from '../app/session.tsx';

export type PracticeSwitchAction = 'on' | 'off' | 'reset';

export function usePracticeSwitch() {
  const { refresh } = useSession();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<PracticeSwitchAction | undefined>();
  const run = useCallback(
    async (what: PracticeSwitchAction, done: string): Promise<boolean> => {
      setBusy(what);
      try {
        // The session acts for the other mode once this returns: see changingSession.
        await changingSession(async () => {
          if (what === 'reset') await platform.POST('/api/v1/session/practice/reset', { body: {} });
          else await platform.POST('/api/v1/session/practice', { body: { on: what === 'on' } });
          await refresh();
        });
        void message.success(done);
        return true;
      } catch (error) {
        void message.error(problemMessage(error, t));
        return false;
      } finally {
        setBusy(undefined);
      }
    },
    [refresh, message, t],
  );
  return { busy, run };
}

export type PracticeEnterprise = { holderCode: string; name: string; seededLicense: boolean };

/**
 * The practice copy's enterprises without a license (to issue to: the banner lists them, the issuing
 * tour takes the first as its example), read while `enabled`. Switching or resetting reads the
 * session again, which empties the cache: this is the copy's own.
 */
export function useUnlicensedPracticeEnterprises(enabled: boolean): PracticeEnterprise[] {
  const { data: view } = $api.useQuery('get', '/api/v1/session/practice', undefined, { enabled });
  return view?.copy?.enterprises.filter((e) => !e.seededLicense) ?? [];
}
