import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/** Where the console is served (vite.config.ts `base`, console-routes.ts). */
export const CONSOLE_BASE = '/console/';

/** The page path of the address bar, without the console's base: '' for the overview, 'users', ... */
function currentPath(): string {
  const path = window.location.pathname;
  return path.startsWith(CONSOLE_BASE) ? path.slice(CONSOLE_BASE.length).replace(/\/+$/, '') : '';
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  window.history.pushState(null, '', CONSOLE_BASE + path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** A link inside the console: a real href (so it opens in a new tab too), followed without a reload. */
export function Link({ to, children, className, onFollow }: { to: string; children: ReactNode; className?: string; onFollow?: () => void }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
    onFollow?.();
  };
  return (
    <a href={CONSOLE_BASE + to} className={className} onClick={follow}>
      {children}
    </a>
  );
}
