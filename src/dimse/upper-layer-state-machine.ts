/**
 * The DICOM Upper Layer state machine as the standard's table: states Sta1-Sta13, events
 * Evt1-Evt19 and actions AE-, DT-, AR-, AA- of PS3.8 9.2.1-9.2.3 (Tables 9-6 to 9-10).
 * `transition` only looks the table up; what an action does (send a PDU, issue an indication,
 * start the ARTIM timer) is done by `UpperLayer`, so the table can be checked cell by cell.
 */

/** PS3.8 Table 9-1 (states). */
export const STATES = {
  Sta1: 'Idle',
  Sta2: 'Transport connection open (awaiting A-ASSOCIATE-RQ PDU)',
  Sta3: 'Awaiting local A-ASSOCIATE response primitive',
  Sta4: 'Awaiting transport connection opening to complete',
  Sta5: 'Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU',
  Sta6: 'Association established and ready for data transfer',
  Sta7: 'Awaiting A-RELEASE-RP PDU',
  Sta8: 'Awaiting local A-RELEASE response primitive',
  Sta9: 'Release collision requestor side; awaiting A-RELEASE response',
  Sta10: 'Release collision acceptor side; awaiting A-RELEASE-RP PDU',
  Sta11: 'Release collision requestor side; awaiting A-RELEASE-RP PDU',
  Sta12: 'Release collision acceptor side; awaiting A-RELEASE response primitive',
  Sta13: 'Awaiting transport connection close indication (association no longer exists)',
} as const;
export type State = keyof typeof STATES;

/** PS3.8 Table 9-10 (events). */
export const EVENTS = {
  Evt1: 'A-ASSOCIATE request (local user)',
  Evt2: 'Transport connect confirmation (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU received',
  Evt4: 'A-ASSOCIATE-RJ PDU received',
  Evt5: 'Transport connection indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU received',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU received',
  Evt11: 'A-RELEASE request primitive',
  Evt12: 'A-RELEASE-RQ PDU received',
  Evt13: 'A-RELEASE-RP PDU received',
  Evt14: 'A-RELEASE response primitive',
  Evt15: 'A-ABORT request primitive',
  Evt16: 'A-ABORT PDU received',
  Evt17: 'Transport connection closed indication',
  Evt18: 'ARTIM timer expired',
  Evt19: 'Unrecognized or invalid PDU received',
} as const;
export type Event = keyof typeof EVENTS;

/** PS3.8 Tables 9-6 to 9-9 (actions): what each does, and the state it leads to. */
export const ACTIONS = {
  'AE-1': { does: 'Issue TRANSPORT CONNECT request primitive to local transport service', next: 'Sta4' },
  'AE-2': { does: 'Send A-ASSOCIATE-RQ PDU', next: 'Sta5' },
  'AE-3': { does: 'Issue A-ASSOCIATE confirmation (accept) primitive', next: 'Sta6' },
  'AE-4': { does: 'Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection', next: 'Sta1' },
  'AE-5': { does: 'Issue transport connection response primitive; start ARTIM timer', next: 'Sta2' },
  'AE-6': { does: 'Stop ARTIM timer; if the A-ASSOCIATE-RQ is acceptable issue A-ASSOCIATE indication (Sta3), else send A-ASSOCIATE-RJ PDU and start ARTIM timer (Sta13)', next: 'Sta3' },
  'AE-7': { does: 'Send A-ASSOCIATE-AC PDU', next: 'Sta6' },
  'AE-8': { does: 'Send A-ASSOCIATE-RJ PDU and start ARTIM timer', next: 'Sta13' },
  'DT-1': { does: 'Send P-DATA-TF PDU', next: 'Sta6' },
  'DT-2': { does: 'Send P-DATA indication primitive', next: 'Sta6' },
  'AR-1': { does: 'Send A-RELEASE-RQ PDU', next: 'Sta7' },
  'AR-2': { does: 'Issue A-RELEASE indication primitive', next: 'Sta8' },
  'AR-3': { does: 'Issue A-RELEASE confirmation primitive and close transport connection', next: 'Sta1' },
  'AR-4': { does: 'Issue A-RELEASE-RP PDU and start ARTIM timer', next: 'Sta13' },
  'AR-5': { does: 'Stop ARTIM timer', next: 'Sta1' },
  'AR-6': { does: 'Issue P-DATA indication', next: 'Sta7' },
  'AR-7': { does: 'Issue P-DATA-TF PDU', next: 'Sta8' },
  'AR-8': { does: 'Issue A-RELEASE indication (release collision): Sta9 if association requestor, else Sta10', next: 'Sta10' },
  'AR-9': { does: 'Send A-RELEASE-RP PDU', next: 'Sta11' },
  'AR-10': { does: 'Issue A-RELEASE confirmation primitive', next: 'Sta12' },
  'AA-1': { does: 'Send A-ABORT PDU (service-user source) and start (or restart) ARTIM timer', next: 'Sta13' },
  'AA-2': { does: 'Stop ARTIM timer if running; close transport connection', next: 'Sta1' },
  'AA-3': { does: 'Issue A-ABORT (service-user source) or A-P-ABORT indication and close transport connection', next: 'Sta1' },
  'AA-4': { does: 'Issue A-P-ABORT indication primitive', next: 'Sta1' },
  'AA-5': { does: 'Stop ARTIM timer', next: 'Sta1' },
  'AA-6': { does: 'Ignore PDU', next: 'Sta13' },
  'AA-7': { does: 'Send A-ABORT PDU', next: 'Sta13' },
  'AA-8': { does: 'Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer', next: 'Sta13' },
} as const satisfies Record<string, { does: string; next: State }>;
export type Action = keyof typeof ACTIONS;

const ALL_BUT_1_4: readonly State[] = ['Sta2', 'Sta3', 'Sta5', 'Sta6', 'Sta7', 'Sta8', 'Sta9', 'Sta10', 'Sta11', 'Sta12', 'Sta13'];

/**
 * A received PDU that is unexpected in the state: AA-1 in Sta2, AA-6 (ignore) in Sta13, else
 * AA-8; `own` overrides the cells where the PDU is expected.
 */
function receivedPdu(own: Partial<Record<State, Action>>): Partial<Record<State, Action>> {
  const row: Partial<Record<State, Action>> = {};
  for (const state of ALL_BUT_1_4) row[state] = state === 'Sta2' ? 'AA-1' : state === 'Sta13' ? 'AA-6' : 'AA-8';
  return { ...row, ...own };
}

/** PS3.8 Table 9-10 (state transition table); an empty cell is absent. */
export const TRANSITIONS: Readonly<Record<Event, Partial<Record<State, Action>>>> = {
  Evt1: { Sta1: 'AE-1' },
  Evt2: { Sta4: 'AE-2' },
  Evt3: receivedPdu({ Sta5: 'AE-3' }),
  Evt4: receivedPdu({ Sta5: 'AE-4' }),
  Evt5: { Sta1: 'AE-5' },
  Evt6: receivedPdu({ Sta2: 'AE-6', Sta13: 'AA-7' }),
  Evt7: { Sta3: 'AE-7' },
  Evt8: { Sta3: 'AE-8' },
  Evt9: { Sta6: 'DT-1', Sta8: 'AR-7' },
  Evt10: receivedPdu({ Sta6: 'DT-2', Sta7: 'AR-6' }),
  Evt11: { Sta6: 'AR-1' },
  Evt12: receivedPdu({ Sta6: 'AR-2', Sta7: 'AR-8' }),
  Evt13: receivedPdu({ Sta7: 'AR-3', Sta10: 'AR-10', Sta11: 'AR-3' }),
  Evt14: { Sta8: 'AR-4', Sta9: 'AR-9', Sta12: 'AR-4' },
  Evt15: { Sta3: 'AA-1', Sta4: 'AA-2', Sta5: 'AA-1', Sta6: 'AA-1', Sta7: 'AA-1', Sta8: 'AA-1', Sta9: 'AA-1', Sta10: 'AA-1', Sta11: 'AA-1', Sta12: 'AA-1' },
  Evt16: { Sta2: 'AA-2', Sta3: 'AA-3', Sta5: 'AA-3', Sta6: 'AA-3', Sta7: 'AA-3', Sta8: 'AA-3', Sta9: 'AA-3', Sta10: 'AA-3', Sta11: 'AA-3', Sta12: 'AA-3', Sta13: 'AA-2' },
  Evt17: { Sta2: 'AA-5', Sta3: 'AA-4', Sta4: 'AA-4', Sta5: 'AA-4', Sta6: 'AA-4', Sta7: 'AA-4', Sta8: 'AA-4', Sta9: 'AA-4', Sta10: 'AA-4', Sta11: 'AA-4', Sta12: 'AA-4', Sta13: 'AR-5' },
  Evt18: { Sta2: 'AA-2', Sta13: 'AA-2' },
  Evt19: receivedPdu({ Sta13: 'AA-7' }),
};

/** The action of the table's cell for `event` in `state`; undefined for an empty cell. */
export function transition(state: State, event: Event): Action | undefined {
  return TRANSITIONS[event][state];
}
