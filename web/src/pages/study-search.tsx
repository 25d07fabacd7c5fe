import { useEffect, useState, type FormEvent } from 'react';
import {
  criteriaAddress,
  criteriaFromAddress,
  type DicomJson,
  NO_CRITERIA,
  qido,
  rememberSearch,
  STUDY_PAGE,
  type StudyAccess,
  studyAccess,
  type StudyCriteria,
  studyQuery,
  TAG,
  text,
  whole,
} from '../api/studies';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { CONSOLE_BASE, Link } from '../router';
import { useSignedIn } from '../session/session';
import { AccessBadge, RequestAccessLink } from './study-access-badge';

/** `20260315` as `2026-03-15`; anything else as it is. */
function displayDate(value: string): string {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value;
}

/**
 * The study search: the form's criteria become a QIDO-RS study query, each result gets the
 * access the server decides for the signed-in person, and a link to the viewer. The criteria
 * are kept in the address, so that Back from the viewer shows the same results.
 */
export function StudySearch() {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [criteria, setCriteria] = useState<StudyCriteria>(() => criteriaFromAddress(window.location.search) ?? NO_CRITERIA);
  const [studies, setStudies] = useState<DicomJson[] | undefined>(undefined);
  const [access, setAccess] = useState<Map<string, StudyAccess>>(new Map());
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Notice>(undefined);

  const search = async (wanted: StudyCriteria) => {
    setBusy(true);
    setStatus(undefined);
    try {
      const found = await qido('/studies', token, studyQuery(wanted));
      setStudies(found);
      setAccess(new Map());
      setAccess(await studyAccess(found.map((study) => text(study, TAG.StudyInstanceUID)), token));
    } catch (caught) {
      setStatus({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    // Back from the viewer (or a shared address): the search the address holds.
    if (criteriaFromAddress(window.location.search) === undefined) return;
    rememberSearch(window.location.search);
    void search(criteria);
    // Only when the page opens: later searches follow the form.
  }, []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const address = criteriaAddress(criteria);
    window.history.replaceState(null, '', `${CONSOLE_BASE}studies${address}`);
    rememberSearch(address);
    void search(criteria);
  };
  const field = (key: keyof StudyCriteria) => ({
    name: key,
    value: criteria[key],
    onChange: (event: { target: { value: string } }) => setCriteria({ ...criteria, [key]: event.target.value }),
  });
  const dash = (value: string) => (value === '' ? '—' : value);

  return (
    <div className="stack">
      <section aria-labelledby="study-search">
        <h2 id="study-search">{t('studies.search')}</h2>
        <form className="study-form" data-testid="study-search-form" onSubmit={submit}>
          <div className="grid-3">
            <Field label={t('studies.patientName')} autoComplete="off" {...field('patientName')} />
            <Field label={t('studies.patientId')} autoComplete="off" {...field('patientId')} />
            <Field label={t('studies.accession')} autoComplete="off" {...field('accession')} />
            <Field label={t('studies.modality')} hint={t('studies.modalityHint')} autoComplete="off" {...field('modality')} />
            <Field label={t('studies.dateFrom')} type="date" {...field('dateFrom')} />
            <Field label={t('studies.dateTo')} type="date" {...field('dateTo')} />
          </div>
          <p className="hint">{t('studies.maskedHint')}</p>
          <div className="actions">
            <button type="submit" disabled={busy}>{t('studies.searchButton')}</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setCriteria(NO_CRITERIA);
                setStudies(undefined);
                rememberSearch('');
                window.history.replaceState(null, '', `${CONSOLE_BASE}studies`);
              }}
            >
              {t('studies.clear')}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="study-results">
        <h2 id="study-results">{t('studies.results')}</h2>
        <Status notice={status} />
        {busy && <p>{t('common.loading')}</p>}
        {!busy && studies === undefined && <p className="hint">{t('studies.notSearched')}</p>}
        {!busy && studies !== undefined && studies.length === 0 && <p className="notice" data-testid="no-studies">{t('studies.none')}</p>}
        {!busy && studies !== undefined && studies.length > 0 && (
          <>
            {studies.length >= STUDY_PAGE && <p className="hint">{t('studies.firstOnly', { count: STUDY_PAGE })}</p>}
            <div className="table-wrap">
              <table data-testid="studies-table">
                <thead>
                  <tr>
                    <th>{t('studies.patient')}</th>
                    <th>{t('studies.date')}</th>
                    <th>{t('studies.modalities')}</th>
                    <th>{t('studies.accession')}</th>
                    <th>{t('studies.description')}</th>
                    <th>{t('studies.size')}</th>
                    <th>{t('studies.access')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {studies.map((study) => {
                    const uid = text(study, TAG.StudyInstanceUID);
                    const studyAccessOf = access.get(uid);
                    return (
                      <tr key={uid} data-study={uid}>
                        <td>
                          <strong>{dash(text(study, TAG.PatientName))}</strong>
                          <div className="hint">{dash(text(study, TAG.PatientID))}</div>
                        </td>
                        <td data-label={t('studies.date')}>{dash(displayDate(text(study, TAG.StudyDate)))}</td>
                        <td data-label={t('studies.modalities')}>{dash(text(study, TAG.ModalitiesInStudy))}</td>
                        <td data-label={t('studies.accession')}>{dash(text(study, TAG.AccessionNumber))}</td>
                        <td data-label={t('studies.description')}>{dash(text(study, TAG.StudyDescription))}</td>
                        <td data-label={t('studies.size')}>
                          {t('studies.sizeValue', { series: whole(study, TAG.NumberOfStudyRelatedSeries) ?? '?', instances: whole(study, TAG.NumberOfStudyRelatedInstances) ?? '?' })}
                        </td>
                        <td data-label={t('studies.access')}>
                          <AccessBadge access={studyAccessOf} />
                        </td>
                        <td>
                          <div className="actions">
                            {studyAccessOf?.known === true && studyAccessOf.view !== 'denied' && (
                              <Link to={`studies/${uid}`} className="button-link open-study">
                                {t('studies.open')}
                              </Link>
                            )}
                            <RequestAccessLink access={studyAccessOf} />
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
