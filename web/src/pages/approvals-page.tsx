import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { grantActive, REVOKE_REASONS, type AccessRequestView, type GrantView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { ApprovalDialog } from './approval-dialog';
import { RequestFacts, SelectField, StatusBadge, useDateTime } from './workflow-fields';

/** DSOs and directors: the requests waiting for them, with their exact content; active grants, which a DSO revokes. */
export function ApprovalsPage() {
  const { t } = useI18n();
  const when = useDateTime();
  const { token, user } = useSignedIn();
  const isDso = user.roles.includes('dso');
  const [inbox, setInbox] = useState<AccessRequestView[] | undefined>(undefined);
  const [grants, setGrants] = useState<GrantView[]>([]);
  const [deciding, setDeciding] = useState<{ request: AccessRequestView; decision: 'approve' | 'reject' } | undefined>(undefined);
  const [revoking, setRevoking] = useState<string | undefined>(undefined);
  const [revokeReason, setRevokeReason] = useState<string>(REVOKE_REASONS[0]);
  const [status, setStatus] = useState<Notice>(undefined);

  const reload = useCallback(async () => {
    try {
      const [requests, grantList] = await Promise.all([
        api<{ requests: AccessRequestView[] }>('GET', '/api/requests', { token }),
        api<{ grants: GrantView[] }>('GET', '/api/grants', { token }),
      ]);
      setInbox(requests.requests.filter((request) => request.status === 'pending' && request.requester !== user.name));
      setGrants(grantList.grants.filter((grant) => grantActive(grant, Date.now())));
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [token, user.name]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const revoke = async (id: string) => {
    try {
      await api('POST', `/api/grants/${id}/revoke`, { token, body: { reason: revokeReason } });
      setRevoking(undefined);
      setStatus({ done: 'approvals.revoked', values: { id } });
      await reload();
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  return (
    <div className="stack">
      <Status notice={status} />
      <section aria-labelledby="approvals-inbox">
        <div className="section-head">
          <h2 id="approvals-inbox">{t('approvals.inbox')}</h2>
          <button type="button" className="secondary" onClick={() => void reload()}>
            {t('common.refresh')}
          </button>
        </div>
        {inbox === undefined ? (
          <p>{t('common.loading')}</p>
        ) : inbox.length === 0 ? (
          <p>{t('approvals.empty')}</p>
        ) : (
          <ul className="cards" data-testid="approval-inbox">
            {inbox.map((request) => {
              const mine = request.approvals.some((approval) => approval.by === user.name);
              return (
                <li key={request.id} className="card-item" data-request={request.id}>
                  <p>
                    <StatusBadge status={request.status} /> <code className="uid">{request.id}</code>
                  </p>
                  <RequestFacts request={request} />
                  {mine ? (
                    <p className="hint">{t('approvals.youApproved')}</p>
                  ) : (
                    <div className="actions">
                      <button type="button" onClick={() => setDeciding({ request, decision: 'approve' })}>
                        {t('approvals.approve')}
                      </button>
                      <button type="button" className="danger" onClick={() => setDeciding({ request, decision: 'reject' })}>
                        {t('approvals.reject')}
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section aria-labelledby="approvals-grants">
        <h2 id="approvals-grants">{t('approvals.grants')}</h2>
        {grants.length === 0 ? (
          <p>{t('approvals.noGrants')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="grants-table">
              <thead>
                <tr>
                  <th>{t('approvals.grant')}</th>
                  <th>{t('approvals.subject')}</th>
                  <th>{t('requests.studies')}</th>
                  <th>{t('requests.validity')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {grants.map((grant) => (
                  <tr key={grant.id} data-grant={grant.id}>
                    <td>
                      <code className="uid">{grant.id}</code>
                      <div className="hint">{t(grant.effect === 'full' ? 'requests.kindFull' : 'requests.kindExport')}</div>
                    </td>
                    <td>{grant.subject}</td>
                    <td>
                      {grant.studyUids.map((uid) => (
                        <code key={uid} className="uid block">
                          {uid}
                        </code>
                      ))}
                    </td>
                    <td>{t('requests.validFromTo', { from: when(grant.validFrom), until: when(grant.validUntil) })}</td>
                    <td>
                      {isDso &&
                        (revoking === grant.id ? (
                          <div className="confirm">
                            <SelectField label={t('approvals.revokeReason')} value={revokeReason} onChange={(event) => setRevokeReason(event.target.value)} name="revokeReason">
                              {REVOKE_REASONS.map((reason) => (
                                <option key={reason} value={reason}>
                                  {t(`revoke.${reason}`)}
                                </option>
                              ))}
                            </SelectField>
                            <button type="button" className="danger" onClick={() => void revoke(grant.id)}>
                              {t('approvals.revokeConfirm')}
                            </button>
                            <button type="button" className="secondary" onClick={() => setRevoking(undefined)}>
                              {t('common.cancel')}
                            </button>
                          </div>
                        ) : (
                          <button type="button" className="secondary" onClick={() => setRevoking(grant.id)}>
                            {t('approvals.revoke')}
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {deciding !== undefined && (
        <ApprovalDialog
          request={deciding.request}
          decision={deciding.decision}
          onClose={(done) => {
            setDeciding(undefined);
            if (done !== undefined) {
              setStatus(done);
              void reload();
            }
          }}
        />
      )}
    </div>
  );
}
