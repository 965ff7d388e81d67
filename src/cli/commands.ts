/** Every command module, in the order `shopwire --help` lists them. One import and one entry each. */
import type { Command } from 'commander';
import { register as cetec } from './cetec.ts';
import { register as doctor } from './doctor.ts';
import { register as emulate } from './emulate.ts';
import { register as design } from './design.ts';
import { register as previewDesign } from './preview-design.ts';
import { register as preview } from './preview.ts';
import { register as demo } from './demo.ts';
import { register as run } from './run.ts';
import { register as sync } from './sync.ts';
import { register as order } from './order.ts';
import { register as replay } from './replay.ts';
import { register as resolve } from './resolve.ts';
import { register as cancel } from './cancel.ts';
import { register as status } from './status.ts';
import { register as resume } from './resume.ts';
import { register as backup } from './backup.ts';
import { register as hashPassword } from './hash-password.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  demo,
  run,
  sync,
  order,
  preview,
  replay,
  resolve,
  cancel,
  status,
  resume,
  backup,
  design,
  previewDesign,
  emulate,
  cetec,
  doctor,
  hashPassword,
];
