import { isUid } from '../api/studies';
import { useI18n } from '../i18n/i18n';
import { Link, usePath } from '../router';
import './studies.css';
import { StudySearch } from './study-search';
import { StudyViewer } from './study-viewer';

/**
 * The studies page (docs/console.md, "Studies and the viewer"): `studies` searches,
 * `studies/<StudyInstanceUID>` views one study.
 */
export function StudiesPage() {
  const { t } = useI18n();
  const path = usePath();
  if (path === 'studies') return <StudySearch />;
  const studyUid = path.slice('studies/'.length);
  if (!isUid(studyUid)) {
    return (
      <div className="stack">
        <p role="alert" className="error">{t('studies.badUid')}</p>
        <p><Link to="studies">{t('viewer.back')}</Link></p>
      </div>
    );
  }
  return <StudyViewer key={studyUid} studyUid={studyUid} />;
}
