import { useCallback, useEffect, useState } from 'react';
import { api, type UserView } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { CarePanel } from './care-panel';
import { DepartmentsPanel, type Department } from './departments-panel';
import { PasswordResetForm } from './password-reset-form';
import { UserCreateForm } from './user-create-form';

const CARE_ROLES = ['clinician', 'radiologist'];

/** Administrators: accounts with their roles and departments, departments, care relationships, MFA resets. */
export function UsersPage() {
  const { t } = useI18n();
  const { token, user: me } = useSignedIn();
  const [users, setUsers] = useState<UserView[] | undefined>(undefined);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [careOf, setCareOf] = useState<string | undefined>(undefined);
  const [confirmReset, setConfirmReset] = useState<string | undefined>(undefined);
  const [passwordFor, setPasswordFor] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);

  const reload = useCallback(async () => {
    try {
      const [userList, departmentList] = await Promise.all([
        api<{ users: UserView[] }>('GET', '/api/users', { token }),
        api<{ departments: Department[] }>('GET', '/api/departments', { token }),
      ]);
      setUsers(userList.users.filter((user) => !user.deleted));
      setDepartments(departmentList.departments);
    } catch (caught) {
      setStatus({ error: caught });
    }
  }, [token, t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const resetMfa = async (name: string) => {
    setConfirmReset(undefined);
    try {
      await api('DELETE', `/api/users/${encodeURIComponent(name)}/totp`, { token });
      setStatus({ done: 'users.mfaReset', values: { name } });
      await reload();
    } catch (caught) {
      setStatus({ error: caught });
    }
  };

  const list = (items: readonly string[]) => (items.length === 0 ? '—' : items.join(', '));

  return (
    <div className="stack">
      <DepartmentsPanel departments={departments} onChanged={reload} />
      <UserCreateForm departments={departments} onCreated={reload} />
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('users.list')}</h2>
        <Status notice={status} />
        {users === undefined ? (
          <p>{t('common.loading')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th>{t('account.userName')}</th>
                  <th>{t('users.roles')}</th>
                  <th>{t('users.departments')}</th>
                  <th>{t('users.directorOf')}</th>
                  <th>{t('users.mfa')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <tr key={user.name} data-user={user.name}>
                    <td>
                      <strong>{user.name}</strong>
                      {user.displayName !== undefined && <div className="hint">{user.displayName}</div>}
                    </td>
                    <td data-label={t('users.roles')}>{list(user.roles.map((role) => t(`role.${role}`)))}</td>
                    <td data-label={t('users.departments')}>{list(user.departments)}</td>
                    <td data-label={t('users.directorOf')}>{list(user.directorOf)}</td>
                    <td data-label={t('users.mfa')}>{user.mfaEnrolled ? t('users.mfaEnrolled') : user.mfaRequired ? t('users.mfaPending') : t('users.mfaNotRequired')}</td>
                    <td>
                      <div className="actions">
                      {user.roles.some((role) => CARE_ROLES.includes(role)) && (
                        <button type="button" className="secondary" onClick={() => setCareOf(careOf === user.name ? undefined : user.name)}>
                          {t('users.manageCare')}
                        </button>
                      )}
                      {user.name !== me.name && (
                        <button type="button" className="secondary" onClick={() => setPasswordFor(user.name)}>
                          {t('users.setPassword')}
                        </button>
                      )}
                      {user.mfaEnrolled && user.name !== me.name && (
                        confirmReset === user.name ? (
                          <span className="confirm">
                            {t('users.resetMfaConfirm', { name: user.name })}{' '}
                            <button type="button" className="danger" onClick={() => void resetMfa(user.name)}>{t('common.yes')}</button>{' '}
                            <button type="button" className="secondary" onClick={() => setConfirmReset(undefined)}>{t('common.no')}</button>
                          </span>
                        ) : (
                          <button type="button" className="secondary" onClick={() => setConfirmReset(user.name)}>
                            {t('users.resetMfa')}
                          </button>
                        )
                      )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {passwordFor !== undefined && (
        <PasswordResetForm
          userName={passwordFor}
          onClose={(done) => {
            setPasswordFor(undefined);
            if (done !== undefined) setStatus(done);
          }}
        />
      )}
      {careOf !== undefined && <CarePanel userName={careOf} />}
    </div>
  );
}
