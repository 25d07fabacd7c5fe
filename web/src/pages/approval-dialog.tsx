import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AccessRequestView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { TextAreaField } from './workflow-fields';

/**
 * Approve or reject one request with a fresh TOTP code typed here (a code is spent once, as at
 * sign-in); a rejection needs a reason for the requester. A DSO who also directs a department in
 * scope says which role they approve as.
 */
export function ApprovalDialog({ request, decision, onClose }: { request: AccessRequestView; decision: 'approve' | 'reject'; onClose: (done?: Notice) => void }) {
  const { t } = useI18n();
  const { token, user } = useSignedIn();
  const [notice, setNotice] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);
  const departments = new Set(request.studies.map((study) => study.department));
  const bothRoles = user.roles.includes('dso') && user.directorOf.some((department) => departments.has(department));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const totp = String(form.get('totp') ?? '').replace(/\s/g, '');
    const as = String(form.get('as') ?? '');
    setBusy(true);
    try {
      if (decision === 'approve') await api('POST', `/api/requests/${request.id}/approve`, { token, body: { totp, ...(as === '' ? {} : { as }) } });
      else await api('POST', `/api/requests/${request.id}/reject`, { token, body: { totp, reason: String(form.get('reason') ?? '').trim() } });
      onClose({ done: decision === 'approve' ? 'approvals.approved' : 'approvals.rejected', values: { id: request.id } });
    } catch (caught) {
      setNotice({ error: caught });
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="approval-dialog-title" className="dialog" data-testid="approval-dialog">
        <h2 id="approval-dialog-title">{t(decision === 'approve' ? 'approvals.approveTitle' : 'approvals.rejectTitle')}</h2>
        <p className="hint">
          <code className="uid">{request.contentHash}</code>
        </p>
        <form onSubmit={(event) => void submit(event)}>
          {decision === 'approve' && bothRoles && (
            <fieldset className="choices">
              <legend>{t('approvals.as')}</legend>
              {(['dso', 'director'] as const).map((role) => (
                <label key={role}>
                  <input type="radio" name="as" value={role} required /> {t(`role.${role}`)}
                </label>
              ))}
            </fieldset>
          )}
          {decision === 'reject' && <TextAreaField label={t('approvals.rejectReason')} hint={t('approvals.rejectReasonHint')} name="reason" required maxLength={1000} />}
          <Field label={t('login.totp')} hint={t('approvals.totpHint')} name="totp" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} />
          <Status notice={notice} />
          <div className="actions">
            <button type="submit" className={decision === 'reject' ? 'danger' : undefined} disabled={busy}>
              {t(decision === 'approve' ? 'approvals.approve' : 'approvals.reject')}
            </button>
            <button type="button" className="secondary" onClick={() => onClose()}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
