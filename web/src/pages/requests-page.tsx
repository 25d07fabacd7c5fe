import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AccessRequestView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { RequestCreateForm } from './request-create-form';
import { RequestFacts, StatusBadge } from './workflow-fields';

/** Everyone's own requests: make one, follow its status, approvals and grant. */
export function RequestsPage() {
  const { t } = useI18n();
  const { token, user } = useSignedIn();
  const [requests, setRequests] = useState<AccessRequestView[] | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);

  const reload = useCallback(async () => {
    try {
      const answer = await api<{ requests: AccessRequestView[] }>('GET', '/api/requests', { token });
      setRequests(answer.requests.filter((request) => request.requester === user.name));
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [token, user.name]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <div className="stack">
      <section aria-labelledby="request-new">
        <h2 id="request-new">{t('requests.new')}</h2>
        <RequestCreateForm onCreated={() => void reload()} />
      </section>
      <section aria-labelledby="request-mine">
        <div className="section-head">
          <h2 id="request-mine">{t('requests.mine')}</h2>
          <button type="button" className="secondary" onClick={() => void reload()} data-testid="requests-refresh">
            {t('common.refresh')}
          </button>
        </div>
        <Status notice={status} />
        {requests === undefined ? (
          <p>{t('common.loading')}</p>
        ) : requests.length === 0 ? (
          <p>{t('requests.noneYet')}</p>
        ) : (
          <ul className="cards" data-testid="my-requests">
            {requests.map((request) => (
              <li key={request.id} className="card-item" data-request={request.id}>
                <p>
                  <StatusBadge status={request.status} /> <code className="uid">{request.id}</code>
                </p>
                <RequestFacts request={request} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
