import { useEffect, useState } from 'react';
import { type DicomJson, qido, rememberedSearch, type StudyAccess, studyAccess, TAG, text, whole } from '../api/studies';
import { useI18n } from '../i18n/i18n';
import { Status, type Notice } from '../layout/field';
import { Link } from '../router';
import { useSignedIn } from '../session/session';
import { FrameView, type ViewedInstance } from './frame-view';
import { AccessBadge, RequestAccessLink } from './study-access-badge';

/** Matches in the order of their number (Series Number, Instance Number), unnumbered last. */
function byNumber(tag: string) {
  return (a: DicomJson, b: DicomJson) => (whole(a, tag) ?? Number.MAX_SAFE_INTEGER) - (whole(b, tag) ?? Number.MAX_SAFE_INTEGER);
}

/**
 * One study: its access badge, its series (QIDO-RS), the instances of the chosen series, and the
 * chosen instance's frames as the server renders them. Whether they are full or masked is the
 * server's decision, taken again on every call; the badge only says what it decided.
 */
export function StudyViewer({ studyUid }: { studyUid: string }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [access, setAccess] = useState<StudyAccess | undefined>(undefined);
  const [series, setSeries] = useState<DicomJson[] | undefined>(undefined);
  const [seriesUid, setSeriesUid] = useState<string | undefined>(undefined);
  const [instances, setInstances] = useState<DicomJson[] | undefined>(undefined);
  const [instanceUid, setInstanceUid] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);

  useEffect(() => {
    let current = true;
    (async () => {
      const [found, decided] = await Promise.all([qido(`/studies/${studyUid}/series`, token), studyAccess([studyUid], token)]);
      if (!current) return;
      const sorted = [...found].sort(byNumber(TAG.SeriesNumber));
      setAccess(decided.get(studyUid));
      setSeries(sorted);
      setSeriesUid(sorted[0] === undefined ? undefined : text(sorted[0], TAG.SeriesInstanceUID));
    })().catch((caught: unknown) => current && setStatus({ error: caught }));
    return () => {
      current = false;
    };
  }, [studyUid, token]);

  useEffect(() => {
    if (seriesUid === undefined) return;
    let current = true;
    setInstances(undefined);
    setInstanceUid(undefined);
    qido(`/studies/${studyUid}/series/${seriesUid}/instances`, token, new URLSearchParams({ includefield: 'NumberOfFrames' }))
      .then((found) => {
        if (!current) return;
        const sorted = [...found].sort(byNumber(TAG.InstanceNumber));
        setInstances(sorted);
        setInstanceUid(sorted[0] === undefined ? undefined : text(sorted[0], TAG.SOPInstanceUID));
      })
      .catch((caught: unknown) => current && setStatus({ error: caught }));
    return () => {
      current = false;
    };
  }, [studyUid, seriesUid, token]);

  const chosenSeries = series?.find((item) => text(item, TAG.SeriesInstanceUID) === seriesUid);
  const chosen = instances?.find((item) => text(item, TAG.SOPInstanceUID) === instanceUid);
  const viewed: ViewedInstance | undefined =
    chosen === undefined || seriesUid === undefined
      ? undefined
      : {
          studyUid,
          seriesUid,
          instanceUid: text(chosen, TAG.SOPInstanceUID),
          frames: Math.max(1, whole(chosen, TAG.NumberOfFrames) ?? 1),
          bitsAllocated: whole(chosen, TAG.BitsAllocated),
          modality: chosenSeries === undefined ? '' : text(chosenSeries, TAG.Modality),
        };
  const dash = (value: string) => (value === '' ? '—' : value);

  return (
    <div className="stack viewer">
      <section aria-labelledby="viewer-study" className="viewer-head">
        <p>
          <Link to={`studies${rememberedSearch()}`}>{t('viewer.back')}</Link>
        </p>
        <h2 id="viewer-study">{t('viewer.study')}</h2>
        <p className="uid" data-testid="viewer-study-uid">{studyUid}</p>
        <div className="actions">
          <AccessBadge access={access} />
          <RequestAccessLink access={access} />
        </div>
        {access?.known === true && access.view === 'masked' && <p className="hint" data-testid="masked-note">{t('viewer.maskedNote')}</p>}
        <Status notice={status} />
      </section>
      <div className="viewer-body">
        <section aria-labelledby="viewer-series" className="viewer-lists">
          <h2 id="viewer-series">{t('viewer.series')}</h2>
          {series === undefined ? (
            <p>{status === undefined ? t('common.loading') : '—'}</p>
          ) : series.length === 0 ? (
            <p className="notice">{t('viewer.noSeries')}</p>
          ) : (
            <ul className="pick-list" data-testid="series-list">
              {series.map((item) => {
                const uid = text(item, TAG.SeriesInstanceUID);
                return (
                  <li key={uid}>
                    <button type="button" className={uid === seriesUid ? 'pick chosen' : 'pick'} aria-pressed={uid === seriesUid} data-series={uid} onClick={() => setSeriesUid(uid)}>
                      <strong>{t('viewer.seriesLabel', { number: dash(text(item, TAG.SeriesNumber)), modality: dash(text(item, TAG.Modality)) })}</strong>
                      <span className="hint">
                        {dash(text(item, TAG.SeriesDescription))} · {t('viewer.instanceCount', { count: whole(item, TAG.NumberOfSeriesRelatedInstances) ?? '?' })}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {instances !== undefined && instances.length > 1 && (
            <>
              <h3>{t('viewer.instances')}</h3>
              <ul className="pick-list" data-testid="instance-list">
                {instances.map((item) => {
                  const uid = text(item, TAG.SOPInstanceUID);
                  const frames = whole(item, TAG.NumberOfFrames) ?? 1;
                  return (
                    <li key={uid}>
                      <button type="button" className={uid === instanceUid ? 'pick chosen' : 'pick'} aria-pressed={uid === instanceUid} data-instance={uid} onClick={() => setInstanceUid(uid)}>
                        {t('viewer.instanceLabel', { number: dash(text(item, TAG.InstanceNumber)) })}
                        {frames > 1 && <span className="hint"> · {t('viewer.frameCount', { count: frames })}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
        <section aria-label={t('viewer.image')} className="viewer-image-panel">
          {viewed === undefined ? <p>{seriesUid === undefined ? '—' : t('common.loading')}</p> : <FrameView key={viewed.instanceUid} instance={viewed} />}
        </section>
      </div>
    </div>
  );
}
