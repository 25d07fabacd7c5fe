/**
 * Request counters in the Prometheus text exposition format (version 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/). Routes are counted by their
 * pattern, never by the path asked for, so an attacker's made-up paths cannot grow the set of
 * series: every unknown route is `unmatched`.
 */
export class HttpMetrics {
  readonly #requests = new Map<string, { method: string; route: string; status: number; count: number }>();
  #auditFailures = 0;

  countRequest(method: string, route: string | undefined, status: number): void {
    const label = route ?? 'unmatched';
    const key = `${method} ${label} ${status}`;
    const entry = this.#requests.get(key);
    if (entry === undefined) this.#requests.set(key, { method, route: label, status, count: 1 });
    else entry.count++;
  }

  countAuditFailure(): void {
    this.#auditFailures++;
  }

  render(): string {
    const lines = [
      '# HELP medveil_http_requests_total HTTP requests answered, by method, route pattern and status.',
      '# TYPE medveil_http_requests_total counter',
    ];
    const entries = [...this.#requests.values()].sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || a.status - b.status);
    for (const { method, route, status, count } of entries) {
      lines.push(`medveil_http_requests_total{method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"} ${count}`);
    }
    lines.push(
      '# HELP medveil_audit_append_failures_total Requests refused with 500 because their audit event could not be appended.',
      '# TYPE medveil_audit_append_failures_total counter',
      `medveil_audit_append_failures_total ${this.#auditFailures}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
