/** What the owner needs from its record log. */
export interface OwnerLog {
  /** Buffers one record; it is durable only after a later `sync()` resolves. */
  append(payload: Uint8Array): void;
  /** Resolves once every record appended before the call is durable. */
  sync(): Promise<void>;
  /** True while some appended record is not yet durable. */
  readonly hasPending: boolean;
}

export interface OpenedLog {
  readonly log: OwnerLog;
  /** Payloads of every record that survived, in append order. */
  readonly records: ReadonlyArray<Uint8Array>;
}
