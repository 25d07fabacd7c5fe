import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandField, type DimseCommand, decodeCommand, encodeCommand } from './dimse-command.js';
import { DimseMessageAssembler } from './dimse-message-assembler.js';
import { fragmentMessage } from './fragment-message.js';
import { PduError } from './pdu-error.js';

const limits = { maxCommandLength: 4096, maxDataSetLength: 1 << 20 };

const store: DimseCommand = {
  commandField: CommandField.CStoreRQ,
  messageId: 7,
  affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.1',
  affectedSopInstanceUid: '1.2.3.4.5',
  priority: 0,
  hasDataSet: true,
};

test('encodeCommand writes implicit VR little endian with the Command Group Length first (PS3.7 6.3.1)', () => {
  const bytes = Buffer.from(encodeCommand({ commandField: CommandField.CEchoRQ, messageId: 1, affectedSopClassUid: '1.2.840.10008.1.1', hasDataSet: false }));
  // (0000,0000) UL 4 = length of what follows.
  assert.deepEqual([bytes.readUInt16LE(0), bytes.readUInt16LE(2)], [0x0000, 0x0000]);
  assert.equal(bytes.readUInt32LE(4), 4);
  assert.equal(bytes.readUInt32LE(8), bytes.length - 12);
  // (0000,0002) UI "1.2.840.10008.1.1" padded with NUL to 18 bytes.
  assert.deepEqual([bytes.readUInt16LE(12), bytes.readUInt16LE(14)], [0x0000, 0x0002]);
  assert.equal(bytes.readUInt32LE(16), 18);
  assert.equal(bytes.toString('latin1', 20, 38), '1.2.840.10008.1.1\0');
  assert.equal(decodeCommand(bytes).hasDataSet, false);
});

test('decodeCommand reads back every field encodeCommand writes', () => {
  const cases: DimseCommand[] = [
    store,
    { commandField: CommandField.CMoveRSP, messageIdBeingRespondedTo: 3, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.2', status: 0xff00, remainingSubOperations: 4, completedSubOperations: 1, failedSubOperations: 2, warningSubOperations: 0, hasDataSet: false },
    { commandField: CommandField.CMoveRQ, messageId: 9, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.2', moveDestination: 'STORESCP', priority: 1, hasDataSet: true },
    { commandField: CommandField.CStoreRQ, messageId: 2, affectedSopClassUid: '1.2.3', affectedSopInstanceUid: '1.2.3.4', moveOriginatorAeTitle: 'MOVESCU', moveOriginatorMessageId: 9, hasDataSet: true },
    { commandField: CommandField.CFindRSP, messageIdBeingRespondedTo: 1, status: 0xc000, errorComment: 'unreadable identifier', offendingElements: [0x00100010, 0x0020000d], hasDataSet: false },
    { commandField: CommandField.CCancelRQ, messageIdBeingRespondedTo: 5, hasDataSet: false },
  ];
  for (const command of cases) assert.deepEqual(decodeCommand(encodeCommand(command)), command);
});

test('decodeCommand refuses a command set without Command Field or Command Data Set Type', () => {
  const noField = Buffer.from(encodeCommand(store)).subarray(0, 12);
  assert.throws(() => decodeCommand(noField), /no Command Field/);
  assert.throws(() => decodeCommand(Buffer.from('0000000004000000ffff', 'hex')), /not a readable|no Command Field/);
});

test('fragmentMessage and DimseMessageAssembler round-trip a message at every PDU size, data set chunks kept whole', () => {
  const dataSet = [Buffer.alloc(1000, 1), Buffer.alloc(3, 2), Buffer.alloc(517, 3)];
  for (const maxPdu of [0, 7, 16, 100, 1006, 4096]) {
    const assembler = new DimseMessageAssembler(limits);
    const messages = fragmentMessage({ presentationContextId: 3, command: encodeCommand(store), dataSet }, maxPdu).flatMap((pdu) => {
      for (const value of pdu.values) assert.ok(maxPdu === 0 || value.data.length + 6 <= maxPdu, `PDV within ${maxPdu}`);
      return assembler.push(pdu.values);
    });
    assert.equal(messages.length, 1, `max PDU ${maxPdu}`);
    const [message] = messages;
    assert.equal(message!.presentationContextId, 3);
    assert.deepEqual(message!.command, store);
    assert.deepEqual(Buffer.concat(message!.dataSet!), Buffer.concat(dataSet));
    assert.equal(message!.dataSetLength, 1520);
    assert.equal(assembler.inProgress, false);
  }
});

test('DimseMessageAssembler refuses fragments out of the order of PS3.8 E.2, and messages over its limits', () => {
  const command = encodeCommand(store);
  const echo = encodeCommand({ commandField: CommandField.CEchoRQ, messageId: 1, hasDataSet: false });
  const pdv = (id: number, isCommand: boolean, last: boolean, data: Uint8Array) => ({ presentationContextId: id, command: isCommand, last, data });
  const cases: Array<[string, ReturnType<typeof pdv>[], RegExp]> = [
    ['data set before command', [pdv(1, false, true, Buffer.alloc(4))], /before its command/],
    ['second command inside a data set', [pdv(1, true, true, command), pdv(1, true, true, echo)], /command fragment arrived inside the data set/],
    ['context changes mid-message', [pdv(1, true, false, command.subarray(0, 10)), pdv(3, true, true, command.subarray(10))], /interrupts a message on context 1/],
    ['command over the limit', [pdv(1, true, false, Buffer.alloc(4097))], /command set longer than 4096/],
    ['data set over the limit', [pdv(1, true, true, command), pdv(1, false, false, Buffer.alloc(1 << 20)), pdv(1, false, true, Buffer.alloc(1))], /data set longer than/],
    ['command that is not a data set', [pdv(1, true, true, Buffer.from('00000000ffffff7f', 'hex'))], /unreadable DIMSE command set/],
  ];
  for (const [name, values, message] of cases) {
    const assembler = new DimseMessageAssembler(limits);
    assert.throws(() => assembler.push(values), (e: unknown) => e instanceof PduError && message.test(e.message), name);
  }
});

test('a streamed C-STORE data set: the message comes with its command, the fragments follow as they arrive, the last ends the stream', async () => {
  const assembler = new DimseMessageAssembler(limits, { streamDataSetOf: (command) => command.commandField === CommandField.CStoreRQ });
  const pdv = (isCommand: boolean, last: boolean, data: Uint8Array) => ({ presentationContextId: 1, command: isCommand, last, data });
  const [message, ...more] = assembler.push([pdv(true, true, encodeCommand(store))]);
  assert.deepEqual(more, []);
  assert.deepEqual(message!.command, store);
  assert.equal(message!.dataSet, undefined);
  const stream = message!.dataSetStream!;
  const read = (async () => {
    const parts: Uint8Array[] = [];
    for await (const part of stream) parts.push(part);
    return Buffer.concat(parts);
  })();
  assert.deepEqual(assembler.push([pdv(false, false, Buffer.alloc(10, 1)), pdv(false, false, Buffer.alloc(0))]), []);
  assert.equal(assembler.inProgress, true);
  assert.deepEqual(assembler.push([pdv(false, true, Buffer.alloc(5, 2))]), []);
  assert.equal(assembler.inProgress, false);
  assert.deepEqual(await read, Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(5, 2)]));
  assert.equal(stream.received, 15);
  // The next message on the association is unaffected.
  const echo = encodeCommand({ commandField: CommandField.CEchoRQ, messageId: 2, hasDataSet: false });
  assert.equal(assembler.push([pdv(true, true, echo)]).length, 1);
});

test('a streamed data set cut off by the end of the association fails its reader, and drain() says it never ended', async () => {
  const assembler = new DimseMessageAssembler(limits, { streamDataSetOf: () => true });
  const [message] = assembler.push([{ presentationContextId: 1, command: true, last: true, data: encodeCommand(store) }]);
  assembler.push([{ presentationContextId: 1, command: false, last: false, data: Buffer.alloc(100) }]);
  const reading = (async () => {
    for await (const part of message!.dataSetStream!) assert.equal(part.length, 100);
  })();
  assembler.abandon('the connection closed');
  await assert.rejects(reading, /cut short: the connection closed/);
  assert.equal(await message!.dataSetStream!.drain(), false);
});
