import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from './language-switch';

/** The frame of the pages shown before a full sign-in: first run, sign-in, enrolment. */
export function SignedOutFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="signed-out">
      <header className="topbar">
        <span className="brand">
          {t('app.name')} <span className="brand-sub">{t('app.console')}</span>
        </span>
        <LanguageSwitch />
      </header>
      <main className="card" aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}
