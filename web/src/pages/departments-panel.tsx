import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';

export interface Department {
  id: string;
  name?: string;
  createdAt: string;
}

/** The departments users belong to and direct (POST /api/departments). */
export function DepartmentsPanel({ departments, onChanged }: { departments: readonly Department[]; onChanged: () => Promise<void> }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [status, setStatus] = useState<Notice>(undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const id = String(form.get('id') ?? '').trim();
    const name = String(form.get('name') ?? '').trim();
    try {
      await api('POST', '/api/departments', { token, body: { id, ...(name === '' ? {} : { name }) } });
      formElement.reset();
      setStatus({ done: 'users.departmentCreated', values: { id } });
      await onChanged();
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  return (
    <section aria-labelledby="departments-title">
      <h2 id="departments-title">{t('users.departmentsTitle')}</h2>
      {departments.length === 0 ? (
        <p className="hint">{t('users.noDepartments')}</p>
      ) : (
        <ul className="chips" data-testid="departments">
          {departments.map((department) => (
            <li key={department.id}>
              <code>{department.id}</code> {department.name}
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(event) => void submit(event)} data-testid="department-form">
        <Field label={t('users.departmentId')} name="id" required maxLength={64} />
        <Field label={t('users.departmentName')} name="name" maxLength={128} />
        <button type="submit">{t('users.departmentCreate')}</button>
      </form>
      <Status notice={status} />
    </section>
  );
}
