import type { AlertState, HistoryStore } from '../types';

/** Keeps alert states in memory: the backtest's store, and a stand-in for stateless checks. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly states = new Map<string, AlertState>();

  async load(): Promise<Map<string, AlertState>> {
    return new Map(this.states);
  }

  async save(changed: AlertState[], forgottenIds: string[]): Promise<void> {
    for (const state of changed) {
      this.states.set(state.id, state);
    }
    for (const id of forgottenIds) {
      this.states.delete(id);
    }
  }
}
