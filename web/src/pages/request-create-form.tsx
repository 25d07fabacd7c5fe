import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { PURPOSE_CODES, PURPOSES, type AccessRequestView } from '../api/workflow';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { SelectField, TextAreaField } from './workflow-fields';

type ScopeKind = 'studies' | 'patient' | 'query';

/** The studies named by `?study=<uid>` (the studies page links here with it). */
function studiesFromAddress(): string {
  return new URLSearchParams(window.location.search).getAll('study').join(', ');
}

/** POST /api/requests: full access or an export, of studies, a patient or a query (docs/requests.md). */
export function RequestCreateForm({ onCreated }: { onCreated: (request: AccessRequestView) => void }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [kind, setKind] = useState<'full' | 'export'>('full');
  const [scopeKind, setScopeKind] = useState<ScopeKind>('studies');
  const [studies] = useState(studiesFromAddress);
  const [purpose, setPurpose] = useState<string>('treatment');
  const [notice, setNotice] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const scope =
      scopeKind === 'studies'
        ? { kind: 'studies', studyUids: value('studyUids').split(/[\s,]+/).filter((uid) => uid !== '') }
        : scopeKind === 'patient'
          ? { kind: 'patient', patientRef: value('patientRef') }
          : { kind: 'query', query: value('query') };
    const recipient = value('recipient');
    setBusy(true);
    try {
      const created = await api<AccessRequestView>('POST', '/api/requests', {
        token,
        body: {
          kind,
          scope,
          purpose,
          justification: value('justification'),
          durationHours: Number(value('durationHours')),
          ...(kind === 'export' && recipient !== '' ? { recipient } : {}),
        },
      });
      setNotice({ done: 'requests.created' });
      onCreated(created);
    } catch (caught) {
      setNotice({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="narrow-form" onSubmit={(event) => void submit(event)} data-testid="request-form">
      <fieldset className="choices">
        <legend>{t('requests.kind')}</legend>
        {(['full', 'export'] as const).map((option) => (
          <label key={option}>
            <input type="radio" name="kind" value={option} checked={kind === option} onChange={() => setKind(option)} /> {t(option === 'full' ? 'requests.kindFull' : 'requests.kindExport')}
          </label>
        ))}
      </fieldset>
      <fieldset className="choices">
        <legend>{t('requests.scope')}</legend>
        {(['studies', 'patient', 'query'] as const).map((option) => (
          <label key={option}>
            <input type="radio" name="scopeKind" value={option} checked={scopeKind === option} onChange={() => setScopeKind(option)} /> {t(`requests.scope.${option}`)}
          </label>
        ))}
      </fieldset>
      {scopeKind === 'studies' && <Field label={t('requests.studyUids')} hint={t('requests.studyUidsHint')} name="studyUids" required defaultValue={studies} />}
      {scopeKind === 'patient' && <Field label={t('requests.patientRef')} name="patientRef" required />}
      {scopeKind === 'query' && <Field label={t('requests.query')} hint={t('requests.queryHint')} name="query" required />}
      <SelectField label={t('requests.purpose')} name="purpose" value={purpose} onChange={(event) => setPurpose(event.target.value)}>
        {PURPOSES.map((option) => (
          <option key={option} value={option}>
            {t(`purpose.${option}`)} ({PURPOSE_CODES[option]})
          </option>
        ))}
      </SelectField>
      <p className="hint" data-testid="purpose-code">
        {t('requests.purposeCode', { code: PURPOSE_CODES[purpose as keyof typeof PURPOSE_CODES] })}
      </p>
      <TextAreaField label={t('requests.justification')} hint={t('requests.justificationHint')} name="justification" required maxLength={2000} />
      <Field label={t('requests.durationHours')} hint={t('requests.durationHint')} name="durationHours" type="number" min={1} max={168} step={1} required defaultValue={72} />
      {kind === 'export' && <Field label={t('requests.recipient')} hint={t('requests.recipientHint')} name="recipient" defaultValue="requester" pattern="[a-z][a-z0-9\-]{0,31}" />}
      <Status notice={notice} />
      <button type="submit" disabled={busy}>
        {t('requests.submit')}
      </button>
    </form>
  );
}
