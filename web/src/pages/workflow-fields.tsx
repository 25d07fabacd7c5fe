import { useId, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useI18n } from '../i18n/i18n';
import type { AccessRequestView } from '../api/workflow';

/** A labelled select, for the fixed lists of the workflow pages. */
export function SelectField({ label, children, ...select }: { label: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {children}
      </select>
    </div>
  );
}

/** A labelled multi-line text. */
export function TextAreaField({ label, hint, ...area }: { label: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} aria-describedby={hint === undefined ? undefined : `${id}-hint`} {...area} />
      {hint !== undefined && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A time as the reader's language writes it. */
export function useDateTime(): (iso: string) => string {
  const { language } = useI18n();
  return (iso) => new Date(iso).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Everything an approver approves, and the requester follows: the exact content of a request. */
export function RequestFacts({ request }: { request: AccessRequestView }) {
  const { t } = useI18n();
  const when = useDateTime();
  const departments = [...new Set(request.studies.map((study) => study.department))];
  return (
    <dl className="facts" data-testid="request-facts">
      <dt>{t('requests.kind')}</dt>
      <dd>{t(request.kind === 'full' ? 'requests.kindFull' : 'requests.kindExport')}</dd>
      <dt>{t('requests.requester')}</dt>
      <dd>{request.requester}</dd>
      <dt>{t('requests.studies')}</dt>
      <dd>
        <ul className="plain-list">
          {request.studies.map((study) => (
            <li key={study.studyUid}>
              <code className="uid">{study.studyUid}</code> <span className="hint">({study.department})</span>
            </li>
          ))}
        </ul>
      </dd>
      <dt>{t('requests.departments')}</dt>
      <dd data-testid="request-departments">{departments.join(', ')}</dd>
      <dt>{t('requests.purpose')}</dt>
      <dd>
        {t(`purpose.${request.purpose}` as 'purpose.treatment')} <code>{request.purposeCode}</code>
      </dd>
      <dt>{t('requests.justification')}</dt>
      <dd className="prewrap">{request.justification}</dd>
      <dt>{t('requests.duration')}</dt>
      <dd>{t('requests.hours', { hours: request.durationHours })}</dd>
      {request.recipient !== undefined && (
        <>
          <dt>{t('requests.recipient')}</dt>
          <dd>{request.recipient}</dd>
        </>
      )}
      <dt>{t('requests.contentHash')}</dt>
      <dd>
        <code className="uid" data-testid="content-hash">{request.contentHash}</code>
      </dd>
      <dt>{t('requests.createdAt')}</dt>
      <dd>{when(request.createdAt)}</dd>
      <dt>{t('requests.approvals')}</dt>
      <dd data-testid="request-approvals">
        {request.approvals.length === 0 ? t('common.none') : request.approvals.map((approval) => t('requests.approvalBy', { name: approval.by, role: t(`role.${approval.as}` as 'role.dso'), at: when(approval.at) })).join(t('list.separator'))}
      </dd>
      {request.grant !== undefined && (
        <>
          <dt>{t('requests.validity')}</dt>
          <dd data-testid="grant-validity">{t('requests.validFromTo', { from: when(request.grant.validFrom), until: when(request.grant.validUntil) })}</dd>
        </>
      )}
      {request.rejection !== undefined && (
        <>
          <dt>{t('requests.rejectedBecause')}</dt>
          <dd>{t('requests.byWith', { name: request.rejection.by, reason: request.rejection.reason })}</dd>
        </>
      )}
      {request.revocation !== undefined && (
        <>
          <dt>{t('requests.revokedBecause')}</dt>
          <dd>{t('requests.byWith', { name: request.revocation.by, reason: t(`revoke.${request.revocation.reason}` as 'revoke.purpose-ended') })}</dd>
        </>
      )}
    </dl>
  );
}

/** A request's status as a badge. */
export function StatusBadge({ status }: { status: AccessRequestView['status'] }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${status}`} data-testid="request-status" data-status={status}>
      {t(`requests.status.${status}`)}
    </span>
  );
}
