import type { StudyAccess } from '../api/studies';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

/**
 * What the server decided the signed-in person may see of a study (POST /api/studies/access):
 * full, masked, or denied but requestable. The page shows it; the server enforces it on every call.
 */
export function AccessBadge({ access }: { access: StudyAccess | undefined }) {
  const { t } = useI18n();
  if (access === undefined) return <span className="badge">{t('common.loading')}</span>;
  if (!access.known) return <span className="badge badge-unknown" data-access="unknown">{t('studies.accessUnknown')}</span>;
  const label = access.view === 'full' ? t('studies.accessFull') : access.view === 'masked' ? t('studies.accessMasked') : access.requestable ? t('studies.accessDeniedRequestable') : t('studies.accessDenied');
  return (
    <span className={`badge badge-${access.view}`} data-access={access.view} title={access.reasons.join(', ')}>
      {label}
    </span>
  );
}

/** The way to ask for more than one has: the requests page with the study filled in. */
export function RequestAccessLink({ access }: { access: StudyAccess | undefined }) {
  const { t } = useI18n();
  if (access === undefined || !access.known || !access.requestable) return null;
  return (
    <Link to={`requests?study=${encodeURIComponent(access.studyUid)}`} className="button-link request-access">
      {t('studies.requestAccess')}
    </Link>
  );
}
