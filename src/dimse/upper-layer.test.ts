import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodePdu } from './encode-pdu.js';
import { type AAssociateAC, type AAssociateRQ, AbortReason, DICOM_APPLICATION_CONTEXT, type Pdu, PduType } from './pdu.js';
import { UpperLayer, type UpperLayerOutput } from './upper-layer.js';
import { ACTIONS, EVENTS, STATES, type State, TRANSITIONS, transition } from './upper-layer-state-machine.js';

const limits = { maxPDataLength: 1024, maxOtherLength: 4096 };
const userInformation = { maxPduLength: 1024, implementationClassUid: '1.2.3', roleSelections: [], extendedNegotiations: [] };
const rq: AAssociateRQ = {
  type: PduType.AAssociateRQ, protocolVersion: 1, calledAeTitle: 'SCP', callingAeTitle: 'SCU',
  applicationContext: DICOM_APPLICATION_CONTEXT,
  presentationContexts: [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
  userInformation,
};
const ac: AAssociateAC = {
  type: PduType.AAssociateAC, protocolVersion: 1, calledAeTitle: 'SCP', callingAeTitle: 'SCU',
  applicationContext: DICOM_APPLICATION_CONTEXT,
  presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }],
  userInformation,
};
const pdata: Pdu = { type: PduType.PDataTF, values: [{ presentationContextId: 1, command: true, last: true, data: Uint8Array.of(1, 2) }] };

function wire(pdu: Pdu): Buffer {
  return Buffer.concat(encodePdu(pdu));
}

/** Outputs in a compact form: sent PDUs by type, other outputs by kind. */
function summary(outputs: readonly UpperLayerOutput[]): string[] {
  return outputs.map((o) => (o.kind === 'send' ? `send ${pduName(o.chunks[0]![0]!)}` : o.kind));
}

function pduName(type: number): string {
  return ['', 'RQ', 'AC', 'RJ', 'P-DATA', 'RELEASE-RQ', 'RELEASE-RP', 'ABORT'][type]!;
}

function acceptorIn(state: 'Sta2' | 'Sta6'): UpperLayer {
  const layer = new UpperLayer({ role: 'acceptor', limits });
  layer.connectionOpened();
  if (state === 'Sta6') {
    layer.receive(wire(rq));
    layer.accept(ac);
  }
  assert.equal(layer.state, state);
  return layer;
}

test('the transition table has a cell for every received PDU in every state but Sta1 and Sta4 (PS3.8 Table 9-10)', () => {
  const received = ['Evt3', 'Evt4', 'Evt6', 'Evt10', 'Evt12', 'Evt13', 'Evt19'] as const;
  for (const event of received) {
    for (const state of Object.keys(STATES) as State[]) {
      const cell = transition(state, event);
      if (state === 'Sta1' || state === 'Sta4') assert.equal(cell, undefined, `${event} ${state}`);
      else assert.notEqual(cell, undefined, `${event} ${state}`);
    }
  }
  for (const [event, row] of Object.entries(TRANSITIONS)) {
    assert.ok(event in EVENTS);
    for (const [state, action] of Object.entries(row)) {
      assert.ok(state in STATES && action in ACTIONS, `${event} ${state}`);
    }
  }
});

test('the transition table matches PS3.8 Table 9-10 in the cells that steer an association', () => {
  const cells: Array<[keyof typeof EVENTS, State, string]> = [
    ['Evt5', 'Sta1', 'AE-5'], ['Evt6', 'Sta2', 'AE-6'], ['Evt7', 'Sta3', 'AE-7'], ['Evt8', 'Sta3', 'AE-8'],
    ['Evt1', 'Sta1', 'AE-1'], ['Evt2', 'Sta4', 'AE-2'], ['Evt3', 'Sta5', 'AE-3'], ['Evt4', 'Sta5', 'AE-4'],
    ['Evt9', 'Sta6', 'DT-1'], ['Evt10', 'Sta6', 'DT-2'], ['Evt10', 'Sta7', 'AR-6'], ['Evt9', 'Sta8', 'AR-7'],
    ['Evt11', 'Sta6', 'AR-1'], ['Evt12', 'Sta6', 'AR-2'], ['Evt12', 'Sta7', 'AR-8'], ['Evt13', 'Sta7', 'AR-3'],
    ['Evt14', 'Sta8', 'AR-4'], ['Evt14', 'Sta9', 'AR-9'], ['Evt13', 'Sta10', 'AR-10'], ['Evt13', 'Sta11', 'AR-3'],
    ['Evt14', 'Sta12', 'AR-4'], ['Evt17', 'Sta13', 'AR-5'], ['Evt17', 'Sta2', 'AA-5'], ['Evt17', 'Sta6', 'AA-4'],
    ['Evt16', 'Sta6', 'AA-3'], ['Evt16', 'Sta13', 'AA-2'], ['Evt18', 'Sta2', 'AA-2'], ['Evt18', 'Sta13', 'AA-2'],
    ['Evt10', 'Sta2', 'AA-1'], ['Evt10', 'Sta3', 'AA-8'], ['Evt10', 'Sta13', 'AA-6'], ['Evt6', 'Sta13', 'AA-7'],
    ['Evt19', 'Sta13', 'AA-7'], ['Evt15', 'Sta4', 'AA-2'], ['Evt15', 'Sta6', 'AA-1'],
  ];
  for (const [event, state, action] of cells) assert.equal(transition(state, event), action, `${event} in ${state}`);
});

test('an acceptor goes through association, data and release as PS3.8 9.2 prescribes', () => {
  const layer = new UpperLayer({ role: 'acceptor', limits });
  const steps: Array<[string, () => UpperLayerOutput[], State, string[]]> = [
    ['Evt5', () => layer.connectionOpened(), 'Sta2', ['start-artim']],
    ['Evt6', () => layer.receive(wire(rq)), 'Sta3', ['stop-artim', 'associate-indication']],
    ['Evt7', () => layer.accept(ac), 'Sta6', ['send AC']],
    ['Evt10', () => layer.receive(wire(pdata)), 'Sta6', ['data']],
    ['Evt9', () => layer.sendData(pdata as never), 'Sta6', ['send P-DATA']],
    ['Evt12', () => layer.receive(wire({ type: PduType.AReleaseRQ })), 'Sta8', ['release-indication']],
    ['Evt14', () => layer.releaseResponse(), 'Sta13', ['send RELEASE-RP', 'start-artim']],
    ['Evt17', () => layer.connectionClosed(), 'Sta1', ['stop-artim']],
  ];
  for (const [event, run, state, outputs] of steps) {
    assert.deepEqual(summary(run()), outputs, event);
    assert.equal(layer.state, state, event);
  }
});

test('a requestor goes through association and release, and a release collision ends in Sta1', () => {
  const layer = new UpperLayer({ role: 'requestor', limits });
  const steps: Array<[string, () => UpperLayerOutput[], State, string[]]> = [
    ['Evt1', () => layer.associateRequest(rq), 'Sta4', ['open-transport']],
    ['Evt2', () => layer.connectionConfirmed(), 'Sta5', ['send RQ']],
    ['Evt3', () => layer.receive(wire(ac)), 'Sta6', ['associate-accepted']],
    ['Evt11', () => layer.releaseRequest(), 'Sta7', ['send RELEASE-RQ']],
    ['Evt12 (collision)', () => layer.receive(wire({ type: PduType.AReleaseRQ })), 'Sta9', ['release-indication']],
    ['Evt14', () => layer.releaseResponse(), 'Sta11', ['send RELEASE-RP']],
    ['Evt13', () => layer.receive(wire({ type: PduType.AReleaseRP })), 'Sta1', ['release-confirmed', 'close-transport']],
  ];
  for (const [event, run, state, outputs] of steps) {
    assert.deepEqual(summary(run()), outputs, event);
    assert.equal(layer.state, state, event);
  }
});

test('a requestor told A-ASSOCIATE-RJ closes the connection (AE-4)', () => {
  const layer = new UpperLayer({ role: 'requestor', limits });
  layer.associateRequest(rq);
  layer.connectionConfirmed();
  assert.deepEqual(summary(layer.receive(wire({ type: PduType.AAssociateRJ, result: 1, source: 1, reason: 3 }))), ['associate-rejected', 'close-transport']);
  assert.equal(layer.state, 'Sta1');
});

test('hostile or unexpected bytes end in an A-ABORT and Sta13, never an exception', () => {
  const cases: Array<[string, 'Sta2' | 'Sta6', Buffer, string[], number]> = [
    ['garbage before association', 'Sta2', Buffer.from('GET / HTTP/1.1\r\n\r\n'), ['send ABORT', 'start-artim', 'aborted'], AbortReason.UnrecognizedPdu],
    ['P-DATA before association (AA-1)', 'Sta2', wire(pdata), ['send ABORT', 'start-artim'], AbortReason.NotSpecified],
    ['garbage after association (AA-8)', 'Sta6', Buffer.from('ffffffffffffffff', 'hex'), ['send ABORT', 'aborted', 'start-artim'], AbortReason.UnrecognizedPdu],
    ['P-DATA above the announced maximum', 'Sta6', Buffer.from('040000100000', 'hex'), ['send ABORT', 'aborted', 'start-artim'], AbortReason.InvalidPduParameterValue],
    ['a second A-ASSOCIATE-RQ', 'Sta6', wire(rq), ['send ABORT', 'aborted', 'start-artim'], AbortReason.UnexpectedPdu],
    ['a PDV that overruns its PDU', 'Sta6', Buffer.from('04000000000a000000ff0103aabbccdd', 'hex'), ['send ABORT', 'aborted', 'start-artim'], AbortReason.InvalidPduParameterValue],
  ];
  for (const [name, state, bytes, outputs, reason] of cases) {
    const layer = acceptorIn(state);
    const out = layer.receive(bytes);
    assert.deepEqual(summary(out), outputs, name);
    assert.equal(layer.state, 'Sta13', name);
    const abort = out.find((o) => o.kind === 'send')!;
    assert.equal(abort.kind === 'send' && abort.chunks[0]![9], reason, `${name}: abort reason`);
    assert.deepEqual(layer.receive(wire(pdata)), [], `${name}: later bytes are dropped`);
  }
});

test('a peer that closes mid-PDU gives an A-P-ABORT indication (AA-4)', () => {
  const layer = acceptorIn('Sta6');
  assert.deepEqual(layer.receive(wire(pdata).subarray(0, 7)), []);
  assert.equal(layer.bufferedLength, 7);
  assert.deepEqual(summary(layer.connectionClosed()), ['aborted']);
  assert.equal(layer.state, 'Sta1');
});

test('the ARTIM timer closes a connection that never sends an A-ASSOCIATE-RQ (AA-2)', () => {
  const layer = acceptorIn('Sta2');
  assert.deepEqual(summary(layer.artimExpired()), ['stop-artim', 'close-transport']);
  assert.equal(layer.state, 'Sta1');
});

test('an A-ASSOCIATE-RQ without protocol version 1 is rejected by the provider (AE-6)', () => {
  const layer = acceptorIn('Sta2');
  const out = layer.receive(wire({ ...rq, protocolVersion: 2 }));
  assert.deepEqual(summary(out), ['stop-artim', 'send RJ', 'start-artim']);
  assert.equal(layer.state, 'Sta13');
});

test('a local primitive in a state without a cell is our bug and throws', () => {
  const layer = acceptorIn('Sta2');
  assert.throws(() => layer.releaseRequest(), /Evt11 is not allowed in Sta2/);
});
