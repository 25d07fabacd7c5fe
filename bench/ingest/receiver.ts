/** A C-STORE receiver under test, started fresh for each measured run. */
export interface Receiver {
  /** The receiver's name in the results table. */
  readonly name: string;
  readonly aeTitle: string;
  readonly port: number;
  /** The process whose CPU time is the receiver's (with the children it has waited for). */
  readonly pid: number;
  stop(): Promise<void>;
  /** After `stop()`: the SOP Instance UIDs the receiver holds, and what else it says about them. */
  storedInstances(): Promise<StoredInstances>;
}

export interface StoredInstances {
  readonly instances: ReadonlySet<string>;
  /** Facts for the report, such as refusals or whether an audit log verifies. */
  readonly notes: readonly string[];
  /** False when the receiver's own record contradicts the count (a log that does not verify). */
  readonly trustworthy: boolean;
}
