import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';

interface CareRelationship {
  patientRef: string;
  createdAt: string;
  createdBy: string;
}

/** The patients a clinician or radiologist treats, which give them full access to those studies. */
export function CarePanel({ userName }: { userName: string }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [relationships, setRelationships] = useState<CareRelationship[] | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);
  const base = `/api/users/${encodeURIComponent(userName)}/care`;

  const reload = useCallback(async () => {
    try {
      setRelationships((await api<{ careRelationships: CareRelationship[] }>('GET', base, { token })).careRelationships);
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [base, token, t]);

  useEffect(() => {
    setRelationships(undefined);
    setStatus(undefined);
    void reload();
  }, [reload]);

  const change = async (method: 'PUT' | 'DELETE', patientRef: string, formElement?: HTMLFormElement) => {
    try {
      await api(method, `${base}/${encodeURIComponent(patientRef)}`, { token });
      formElement?.reset();
      setStatus(method === 'PUT' ? { done: 'users.careAdded', values: { name: userName } } : undefined);
      await reload();
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    void change('PUT', String(new FormData(formElement).get('patientRef') ?? '').trim(), formElement);
  };

  return (
    <section aria-labelledby="care-title" data-testid="care-panel">
      <h2 id="care-title">{t('users.careOf', { name: userName })}</h2>
      {relationships === undefined ? (
        <p>{t('common.loading')}</p>
      ) : relationships.length === 0 ? (
        <p className="hint">{t('users.careNone')}</p>
      ) : (
        <ul className="chips" data-testid="care-list">
          {relationships.map((care) => (
            <li key={care.patientRef}>
              <code>{care.patientRef}</code>{' '}
              <button type="button" className="link" onClick={() => void change('DELETE', care.patientRef)}>
                {t('users.careRemove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={submit}>
        <Field label={t('users.carePatientRef')} name="patientRef" required minLength={4} maxLength={64} autoComplete="off" />
        <button type="submit">{t('users.careAdd')}</button>
      </form>
      <Status notice={status} />
    </section>
  );
}
