import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { downloadPackage, grantActive, type AccessRequestView, type ExportJobView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { ExportJobCard } from './export-job-card';

const POLL_MS = 1000;

/** One's granted export requests, their jobs with progress, and the packages to download while they live (docs/exports.md). */
export function ExportsPage() {
  const { t } = useI18n();
  const { token, user } = useSignedIn();
  const [ready, setReady] = useState<AccessRequestView[]>([]);
  const [jobs, setJobs] = useState<ExportJobView[] | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);

  const reload = useCallback(async () => {
    try {
      const [requests, exportList] = await Promise.all([
        api<{ requests: AccessRequestView[] }>('GET', '/api/requests', { token }),
        api<{ exports: ExportJobView[] }>('GET', '/api/exports', { token }),
      ]);
      const now = Date.now();
      setReady(requests.requests.filter((request) => request.requester === user.name && request.kind === 'export' && request.status === 'granted' && request.grant !== undefined && grantActive(request.grant, now)));
      setJobs(exportList.exports);
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [token, user.name]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // While a job is queued or running, ask for each such job again (GET /api/exports/:id).
  const unfinished = (jobs ?? []).filter((job) => job.state === 'queued' || job.state === 'running').map((job) => job.id);
  const unfinishedKey = unfinished.join(',');
  useEffect(() => {
    if (unfinishedKey === '') return;
    const timer = window.setInterval(() => {
      void Promise.all(unfinishedKey.split(',').map((id) => api<ExportJobView>('GET', `/api/exports/${id}`, { token })))
        .then((fresh) => setJobs((current) => (current ?? []).map((job) => fresh.find((candidate) => candidate.id === job.id) ?? job)))
        .catch((caught: unknown) => setStatus({ error: caught }));
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [unfinishedKey, token]);

  const start = async (requestId: string) => {
    try {
      const job = await api<ExportJobView>('POST', `/api/requests/${requestId}/export`, { token });
      setJobs((current) => [job, ...(current ?? [])]);
      setStatus({ done: 'exports.started' });
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  const download = async (job: ExportJobView) => {
    try {
      await downloadPackage(token, job);
      setStatus({ done: 'exports.downloaded' });
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  return (
    <div className="stack">
      <Status notice={status} />
      <section aria-labelledby="exports-ready">
        <h2 id="exports-ready">{t('exports.ready')}</h2>
        {ready.length === 0 ? (
          <p>{t('exports.noneReady')}</p>
        ) : (
          <ul className="cards" data-testid="exports-ready">
            {ready.map((request) => (
              <li key={request.id} className="card-item" data-request={request.id}>
                <p>
                  <code className="uid">{request.id}</code>
                </p>
                <p className="hint">{t('exports.readyLine', { studies: request.studies.length, recipient: request.recipient ?? 'requester' })}</p>
                <button type="button" onClick={() => void start(request.id)}>
                  {t('exports.start')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="exports-jobs">
        <h2 id="exports-jobs">{t('exports.jobs')}</h2>
        {jobs === undefined ? (
          <p>{t('common.loading')}</p>
        ) : jobs.length === 0 ? (
          <p>{t('exports.noJobs')}</p>
        ) : (
          <ul className="cards" data-testid="export-jobs">
            {jobs.map((job) => (
              <ExportJobCard key={job.id} job={job} onDownload={() => void download(job)} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
