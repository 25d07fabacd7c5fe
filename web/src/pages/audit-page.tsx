import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AUDIT_EVENT_TYPES, findAuditEvents, type AuditEventView, type AuditFilters } from '../api/audit';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { AuditEventDetail } from './audit-event-detail';

const NO_FILTERS: AuditFilters = { user: '', patient: '', study: '', type: '', from: '', to: '' };

/**
 * A datetime-local value (`YYYY-MM-DDTHH:MM[:SS[.sss]]`), read as UTC, as the API's RFC 3339
 * with milliseconds. The page shows and takes every time in UTC, as the log records it.
 */
export function utcFromInput(value: string): string {
  if (value === '') return '';
  const time = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(time.getTime()) ? '' : time.toISOString();
}

/** Auditors and DSOs: search the audit trail, read an event, verify it in the browser. */
export function AuditPage() {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  /** The `before` of each page shown so far: the last is the current page, undefined the newest. */
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const [events, setEvents] = useState<AuditEventView[] | undefined>(undefined);
  const [nextBefore, setNextBefore] = useState<number | undefined>(undefined);
  const [selected, setSelected] = useState<AuditEventView | undefined>(undefined);
  const [status, setStatus] = useState<Notice>(undefined);
  const before = pages[pages.length - 1];

  const load = useCallback(async () => {
    setStatus(undefined);
    try {
      const answer = await findAuditEvents(token, filters, before);
      setEvents(answer.events);
      setNextBefore(answer.nextBefore);
    } catch (caught) {
      setEvents([]);
      setNextBefore(undefined);
      setStatus({ error: caught });
    }
  }, [token, filters, before]);

  useEffect(() => {
    void load();
  }, [load]);

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    setFilters({ user: value('user'), patient: value('patient'), study: value('study'), type: value('type'), from: utcFromInput(value('from')), to: utcFromInput(value('to')) });
    setPages([undefined]);
    setSelected(undefined);
  };

  return (
    <div className="stack">
      <section aria-labelledby="audit-filters">
        <h2 id="audit-filters">{t('audit.filters')}</h2>
        <form onSubmit={search} data-testid="audit-filter-form" className="audit-filters">
          <Field label={t('audit.user')} name="user" autoComplete="off" />
          <Field label={t('audit.patient')} name="patient" autoComplete="off" />
          <Field label={t('audit.study')} name="study" autoComplete="off" />
          <div className="field">
            <label htmlFor="audit-type">{t('audit.type')}</label>
            <select id="audit-type" name="type" defaultValue="">
              <option value="">{t('audit.anyType')}</option>
              {AUDIT_EVENT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </div>
          <Field label={t('audit.from')} name="from" type="datetime-local" step="0.001" hint={t('audit.timeHint')} />
          <Field label={t('audit.to')} name="to" type="datetime-local" step="0.001" hint={t('audit.timeHint')} />
          <div className="audit-filter-actions">
            <button type="submit">{t('audit.search')}</button>
          </div>
        </form>
      </section>
      <section aria-labelledby="audit-results">
        <h2 id="audit-results">{t('audit.results')}</h2>
        <Status notice={status} />
        {events === undefined ? (
          <p>{t('common.loading')}</p>
        ) : events.length === 0 ? (
          status === undefined && <p data-testid="audit-empty">{t('audit.noEvents')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('audit.index')}</th>
                  <th>{t('audit.time')}</th>
                  <th>{t('audit.type')}</th>
                  <th>{t('audit.outcome')}</th>
                  <th>{t('audit.user')}</th>
                  <th>{t('audit.objects')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.index} data-index={event.index} className={selected?.index === event.index ? 'selected' : undefined}>
                    <td data-label={t('audit.index')}>{event.index}</td>
                    <td data-label={t('audit.time')} className="mono">{event.time ?? '—'}</td>
                    <td data-label={t('audit.type')}>{event.type ?? event.problem}</td>
                    <td data-label={t('audit.outcome')}>{event.outcome ?? '—'}</td>
                    <td data-label={t('audit.user')}>{event.actor?.user ?? '—'}</td>
                    <td data-label={t('audit.objects')} className="mono">
                      {(event.objects ?? []).map((object) => object.patient ?? object.study ?? object.series ?? object.instance).filter(Boolean).join(', ') || '—'}
                    </td>
                    <td>
                      <button type="button" className="secondary" onClick={() => setSelected(event)}>
                        {t('audit.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="actions audit-paging">
          <button type="button" className="secondary" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))} data-testid="audit-newer">
            {t('audit.newer')}
          </button>
          <button type="button" className="secondary" disabled={nextBefore === undefined} onClick={() => setPages([...pages, nextBefore])} data-testid="audit-older">
            {t('audit.older')}
          </button>
        </div>
      </section>
      {selected !== undefined && <AuditEventDetail key={selected.index} event={selected} />}
    </div>
  );
}
