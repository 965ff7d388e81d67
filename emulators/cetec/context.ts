/** What the emulator's route modules share: mutable state, switches and the journal. */
import type { FastifyRequest } from 'fastify';
import type { CetecBehaviours } from './behaviours.ts';
import type { Journal, JournalEntry } from './journal.ts';
import type { CetecSeed } from './seed.ts';
import type { CetecState } from './state.ts';

export type CetecContext = {
  state(): CetecState;
  behaviours(): CetecBehaviours;
  setBehaviours(patch: Partial<CetecBehaviours>): CetecBehaviours;
  /** Back to the seed (optionally a new one merged over the current). */
  reset(seed?: Partial<CetecSeed>): void;
  journal: Journal;
  /** The journal entry of a request (absent for control routes). */
  entry(request: FastifyRequest): JournalEntry | undefined;
};

/** A body the JSON parser could not read; kept so the route can answer 400. */
export type UnparsedBody = { __unparsed: string };
export const isUnparsed = (body: unknown): body is UnparsedBody =>
  body !== null && typeof body === 'object' && '__unparsed' in body;
