import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { BreakGlassSessionView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { SelectField, TextAreaField, useDateTime } from './workflow-fields';

/** DSOs: the unreviewed break-glass sessions, oldest first, each reviewed with a fresh TOTP code. */
export function BreakGlassReviewsPage() {
  const { t } = useI18n();
  const when = useDateTime();
  const { token } = useSignedIn();
  const [sessions, setSessions] = useState<BreakGlassSessionView[] | undefined>(undefined);
  const [reviewing, setReviewing] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);
  const [formNotice, setFormNotice] = useState<Notice>(undefined);

  const reload = useCallback(async () => {
    try {
      setSessions((await api<{ sessions: BreakGlassSessionView[] }>('GET', '/api/break-glass/reviews', { token })).sessions);
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [token]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const review = async (event: FormEvent<HTMLFormElement>, id: string) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await api('POST', `/api/break-glass/${id}/review`, {
        token,
        body: { totp: String(form.get('totp') ?? '').replace(/\s/g, ''), outcome: String(form.get('outcome') ?? ''), note: String(form.get('note') ?? '').trim() },
      });
      setReviewing(undefined);
      setFormNotice(undefined);
      setStatus({ done: 'breakGlass.reviewed' });
      await reload();
    } catch (caught) {
      setFormNotice({ error: caught });
    }
  };

  return (
    <div className="stack">
      <section aria-labelledby="break-glass-queue">
        <h2 id="break-glass-queue">{t('breakGlass.queue')}</h2>
        <Status notice={status} />
        {sessions === undefined ? (
          <p>{t('common.loading')}</p>
        ) : sessions.length === 0 ? (
          <p>{t('breakGlass.queueEmpty')}</p>
        ) : (
          <ul className="cards" data-testid="break-glass-queue">
            {sessions.map((session) => (
              <li key={session.id} className="card-item" data-session={session.id}>
                <dl className="facts">
                  <dt>{t('breakGlass.user')}</dt>
                  <dd>{session.user}</dd>
                  <dt>{t('breakGlass.patient')}</dt>
                  <dd>
                    <code className="uid">{session.patientRef}</code>
                  </dd>
                  <dt>{t('breakGlass.reasonCode')}</dt>
                  <dd>{t(`breakGlass.reason.${session.reasonCode}` as 'breakGlass.reason.emergency-treatment')}</dd>
                  <dt>{t('breakGlass.reasonText')}</dt>
                  <dd className="prewrap">{session.reasonText}</dd>
                  <dt>{t('breakGlass.startedAt')}</dt>
                  <dd>{when(session.startedAt)}</dd>
                  <dt>{t('breakGlass.reviewDueAt')}</dt>
                  <dd>
                    {when(session.reviewDueAt)}
                    {session.escalatedAt !== undefined && <strong className="error"> {t('breakGlass.escalated')}</strong>}
                  </dd>
                </dl>
                {reviewing === session.id ? (
                  <form className="narrow-form" onSubmit={(event) => void review(event, session.id)} data-testid="review-form">
                    <SelectField label={t('breakGlass.outcome')} name="outcome" defaultValue="justified">
                      <option value="justified">{t('breakGlass.justified')}</option>
                      <option value="unjustified">{t('breakGlass.unjustified')}</option>
                    </SelectField>
                    <TextAreaField label={t('breakGlass.note')} name="note" required maxLength={1000} />
                    <Field label={t('login.totp')} hint={t('approvals.totpHint')} name="totp" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} />
                    <Status notice={formNotice} />
                    <div className="actions">
                      <button type="submit">{t('breakGlass.review')}</button>
                      <button type="button" className="secondary" onClick={() => setReviewing(undefined)}>
                        {t('common.cancel')}
                      </button>
                    </div>
                  </form>
                ) : (
                  <button type="button" onClick={() => setReviewing(session.id)}>
                    {t('breakGlass.review')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
