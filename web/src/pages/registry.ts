import type { ComponentType } from 'react';
import type { Role } from '../api/client';
import type { MessageKey } from '../i18n/zh-CN';
import { AccountPage } from './account-page';
// audit
import { AuditPage } from './audit-page';
import { HomePage } from './home-page';
// studies
import { StudiesPage } from './studies-page';
import { UsersPage } from './users-page';
// workflow
import { ApprovalsPage } from './approvals-page';
import { BreakGlassPage } from './break-glass-page';
import { BreakGlassReviewsPage } from './break-glass-reviews-page';
import { ExportsPage } from './exports-page';
import { RequestsPage } from './requests-page';

/**
 * The console's signed-in pages, in the order of the navigation. Adding a page is one entry
 * here plus its component (docs/console.md): the navigation, the route and the role check
 * follow from the entry.
 */
export interface ConsolePage {
  /** The path under /console/, without slashes at either end; '' is the overview. */
  readonly path: string;
  /** Its name in the navigation and its heading, from the message catalogues. */
  readonly title: MessageKey;
  /** Who sees it; absent for everyone signed in. The server decides again on every API call. */
  readonly roles?: readonly Role[];
  readonly component: ComponentType;
  // studies: a page with addresses below its own (`studies/<StudyInstanceUID>`, the viewer).
  readonly nested?: boolean;
}

export const PAGES: readonly ConsolePage[] = [
  { path: '', title: 'nav.home', component: HomePage },
  { path: 'users', title: 'nav.users', roles: ['admin'], component: UsersPage },
  // studies
  { path: 'studies', title: 'nav.studies', roles: ['radiologist', 'clinician', 'technician', 'director', 'dso', 'researcher'], component: StudiesPage, nested: true },
  // workflow
  { path: 'requests', title: 'nav.requests', component: RequestsPage },
  { path: 'approvals', title: 'nav.approvals', roles: ['dso', 'director'], component: ApprovalsPage },
  { path: 'break-glass', title: 'nav.breakGlass', roles: ['clinician', 'radiologist'], component: BreakGlassPage },
  { path: 'break-glass/reviews', title: 'nav.breakGlassReviews', roles: ['dso'], component: BreakGlassReviewsPage },
  { path: 'exports', title: 'nav.exports', component: ExportsPage },
  { path: 'account', title: 'nav.account', component: AccountPage },
  // audit
  { path: 'audit', title: 'nav.audit', roles: ['auditor', 'dso'], component: AuditPage },
];

export function pageAllowed(page: ConsolePage, roles: readonly Role[]): boolean {
  return page.roles === undefined || page.roles.some((role) => roles.includes(role));
}

// studies: the page of an address, `studies/1.2.3` being the studies page's own.
export function findPage(path: string): ConsolePage | undefined {
  return PAGES.find((page) => page.path === path || (page.nested === true && path.startsWith(`${page.path}/`)));
}
