import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { PAGES, pageAllowed, type ConsolePage } from '../pages/registry';
import { Link } from '../router';
import { useSession, useSignedIn } from '../session/session';
import { LanguageSwitch } from './language-switch';
import { SessionCountdown } from './session-countdown';

/**
 * The signed-in frame: a header (menu button on narrow screens, language, session time left,
 * the account, sign-out) and the navigation, which lists only the pages the roles allow.
 */
export function Shell({ current, children }: { current: ConsolePage | undefined; children: ReactNode }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const { signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const visible = PAGES.filter((page) => pageAllowed(page, session.user.roles));
  return (
    <div className="shell">
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <span className="brand">
          {t('app.name')} <span className="brand-sub">{t('app.console')}</span>
        </span>
        <span className="topbar-end">
          <LanguageSwitch />
          <SessionCountdown />
          <span className="account" data-testid="account">
            {session.user.displayName ?? session.user.name}
          </span>
          <button type="button" className="secondary" onClick={() => void signOut('signed-out')}>
            {t('session.logout')}
          </button>
        </span>
      </header>
      <nav id="main-nav" className={menuOpen ? 'nav open' : 'nav'} aria-label={t('nav.main')}>
        <ul>
          {visible.map((page) => (
            <li key={page.path}>
              <Link to={page.path} className={page === current ? 'active' : undefined} onFollow={() => setMenuOpen(false)}>
                {t(page.title)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" aria-labelledby="page-title">
        {current !== undefined && <h1 id="page-title">{t(current.title)}</h1>}
        {children}
      </main>
    </div>
  );
}
