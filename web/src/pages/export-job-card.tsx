import { useEffect, useState } from 'react';
import type { ExportJobView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { useDateTime } from './workflow-fields';

function hoursMinutesSeconds(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** One export job: its state, a progress bar while it runs, and its package with the time left to download it. */
export function ExportJobCard({ job, onDownload }: { job: ExportJobView; onDownload: () => void }) {
  const { t } = useI18n();
  const when = useDateTime();
  const [now, setNow] = useState(() => Date.now());
  const expiresAt = job.package === undefined ? undefined : Date.parse(job.package.expiresAt);
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [expiresAt]);
  const percent = job.state === 'finished' ? 100 : job.total === 0 ? 0 : Math.floor((job.done * 100) / job.total);
  const expired = expiresAt !== undefined && expiresAt <= now;

  return (
    <li className="card-item" data-export={job.id} data-state={job.state}>
      <p>
        <span className={`badge badge-${job.state}`} data-testid="export-state">
          {t(`exports.state.${job.state}`)}
        </span>{' '}
        <code className="uid">{job.id}</code>
      </p>
      <p className="hint">{t('exports.jobLine', { recipient: job.recipient.name, at: when(job.createdAt) })}</p>
      <div className="progress-line">
        <progress max={100} value={percent} aria-label={t('exports.progress')} data-testid="export-progress" />
        <span data-testid="export-percent">{t('exports.percent', { percent, done: job.done, total: job.total })}</span>
      </div>
      {job.failure !== undefined && <p className="error">{job.failure}</p>}
      {job.package !== undefined && expiresAt !== undefined && (
        <div className="actions">
          {expired ? (
            <p className="error">{t('exports.expired')}</p>
          ) : (
            <>
              <button type="button" onClick={onDownload} data-testid="export-download">
                {t('exports.download', { size: (job.package.bytes / 1_048_576).toFixed(1) })}
              </button>
              <span role="timer" className="countdown-dark" data-testid="export-countdown">
                {t('exports.expiresIn', { time: hoursMinutesSeconds(expiresAt - now) })}
              </span>
            </>
          )}
        </div>
      )}
    </li>
  );
}
