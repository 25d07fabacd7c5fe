import { useState, type FormEvent } from 'react';
import { api, ROLES } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import type { Department } from './departments-panel';

/** A new account with an initial password, roles and departments (POST /api/users). */
export function UserCreateForm({ departments, onCreated }: { departments: readonly Department[]; onCreated: () => Promise<void> }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [status, setStatus] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const userName = String(form.get('userName') ?? '').trim();
    const displayName = String(form.get('displayName') ?? '').trim();
    const body = {
      userName,
      password: String(form.get('password') ?? ''),
      ...(displayName === '' ? {} : { displayName }),
      roles: form.getAll('roles').map(String),
      departments: form.getAll('departments').map(String),
      directorOf: form.getAll('directorOf').map(String),
    };
    setBusy(true);
    try {
      await api('POST', '/api/users', { token, body });
      formElement.reset();
      setStatus({ done: 'users.created', values: { name: userName } });
      await onCreated();
    } catch (caught) {
      setStatus({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  const checkboxes = (name: string, legend: string, options: readonly { value: string; label: string }[]) => (
    <fieldset className="choices" data-testid={`choices-${name}`}>
      <legend>{legend}</legend>
      {options.length === 0 && <span className="hint">{t('users.noDepartments')}</span>}
      {options.map((option) => (
        <label key={option.value}>
          <input type="checkbox" name={name} value={option.value} /> {option.label}
        </label>
      ))}
    </fieldset>
  );
  const departmentOptions = departments.map((department) => ({ value: department.id, label: department.name ?? department.id }));

  return (
    <section aria-labelledby="create-user-title">
      <h2 id="create-user-title">{t('users.create')}</h2>
      <form onSubmit={(event) => void submit(event)} data-testid="create-user-form">
        <div className="grid-2">
          <Field label={t('account.userName')} name="userName" required autoComplete="off" />
          <Field label={t('account.displayName')} name="displayName" autoComplete="off" />
          <Field label={t('account.password')} hint={t('account.passwordHint')} name="password" type="password" required minLength={12} autoComplete="new-password" />
        </div>
        {checkboxes('roles', t('users.roles'), ROLES.map((role) => ({ value: role, label: t(`role.${role}`) })))}
        {checkboxes('departments', t('users.departments'), departmentOptions)}
        {checkboxes('directorOf', t('users.directorOf'), departmentOptions)}
        <Status notice={status} />
        <button type="submit" disabled={busy}>
          {t('users.createSubmit')}
        </button>
      </form>
    </section>
  );
}
