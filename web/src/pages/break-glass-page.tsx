import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { BREAK_GLASS_REASONS, type BreakGlassSessionView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { SelectField, TextAreaField, useDateTime } from './workflow-fields';

/** Clinicians and radiologists: emergency access to one patient, with a reason, audited and reviewed (docs/break-glass.md). */
export function BreakGlassPage() {
  const { t } = useI18n();
  const when = useDateTime();
  const { token } = useSignedIn();
  const [session, setSession] = useState<BreakGlassSessionView | undefined>(undefined);
  const [notice, setNotice] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  // The open session, if any: the oldest of one's own active sessions (GET /api/break-glass).
  const reload = useCallback(async () => {
    try {
      setSession((await api<{ sessions: BreakGlassSessionView[] }>('GET', '/api/break-glass', { token })).sessions[0]);
    } catch (caught) {
      setNotice({ error: caught });
    }
  }, [token]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const start = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const target = value('target');
    if (value('reasonCode') === '' || value('reasonText') === '') return setNotice({ problem: 'breakGlass.reasonRequired' });
    if (target === '') return setNotice({ problem: 'breakGlass.targetRequired' });
    const minutes = value('durationMinutes');
    setBusy(true);
    try {
      const started = await api<BreakGlassSessionView>('POST', '/api/break-glass', {
        token,
        body: {
          ...(value('targetKind') === 'patient' ? { patientRef: target } : { studyUid: target }),
          reasonCode: value('reasonCode'),
          reasonText: value('reasonText'),
          ...(minutes === '' ? {} : { durationMinutes: Number(minutes) }),
        },
      });
      setSession(started);
      setNotice({ done: 'breakGlass.started' });
    } catch (caught) {
      setNotice({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  const end = async () => {
    if (session === undefined) return;
    try {
      await api('POST', `/api/break-glass/${session.id}/end`, { token });
      setNotice({ done: 'breakGlass.ended' });
      await reload();
    } catch (caught) {
      setNotice({ error: caught });
    }
  };

  return (
    <div className="stack">
      <p className="warning" role="note" data-testid="break-glass-warning">
        {t('breakGlass.warning')}
      </p>
      {session !== undefined ? (
        <section aria-labelledby="break-glass-open" data-testid="break-glass-session">
          <h2 id="break-glass-open">{t('breakGlass.open')}</h2>
          <dl className="facts">
            <dt>{t('breakGlass.patient')}</dt>
            <dd>
              <code className="uid">{session.patientRef}</code>
            </dd>
            <dt>{t('breakGlass.reasonCode')}</dt>
            <dd>{t(`breakGlass.reason.${session.reasonCode}` as 'breakGlass.reason.emergency-treatment')}</dd>
            <dt>{t('breakGlass.endsAt')}</dt>
            <dd>{when(session.endsAt)}</dd>
            <dt>{t('breakGlass.reviewDueAt')}</dt>
            <dd>{when(session.reviewDueAt)}</dd>
          </dl>
          <Status notice={notice} />
          <button type="button" className="danger" onClick={() => void end()} data-testid="break-glass-end">
            {t('breakGlass.end')}
          </button>
        </section>
      ) : (
        <section aria-labelledby="break-glass-start">
          <h2 id="break-glass-start">{t('breakGlass.start')}</h2>
          <form className="narrow-form" noValidate onSubmit={(event) => void start(event)} data-testid="break-glass-form">
            <SelectField label={t('breakGlass.targetKind')} name="targetKind" defaultValue="study">
              <option value="study">{t('breakGlass.byStudy')}</option>
              <option value="patient">{t('breakGlass.byPatient')}</option>
            </SelectField>
            <Field label={t('breakGlass.target')} name="target" required />
            <SelectField label={t('breakGlass.reasonCode')} name="reasonCode" defaultValue="" required>
              <option value="">{t('breakGlass.chooseReason')}</option>
              {BREAK_GLASS_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t(`breakGlass.reason.${reason}`)}
                </option>
              ))}
            </SelectField>
            <TextAreaField label={t('breakGlass.reasonText')} hint={t('breakGlass.reasonTextHint')} name="reasonText" required maxLength={1000} />
            <Field label={t('breakGlass.duration')} hint={t('breakGlass.durationHint')} name="durationMinutes" type="number" min={1} max={240} step={1} />
            <Status notice={notice} />
            <button type="submit" className="danger" disabled={busy}>
              {t('breakGlass.submit')}
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
