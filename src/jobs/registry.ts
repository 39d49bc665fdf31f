/**
 * The job registry: named jobs with a schedule (off, every N hours, or a cron expression
 * run by croner with `protect`, so a slow run never overlaps itself), whether one is
 * running, the next run, and "run now". The settings page and the status API read it.
 */
import { Cron } from 'croner';

export type JobSchedule = { mode: 'off' } | { mode: 'interval'; hours: number } | { mode: 'cron'; cron: string };

export interface JobDefinition {
  name: string;
  title: string;
  schedule(): Promise<JobSchedule>;
  /** Starts one run; resolves when it is done. The job decides what "already running" means. */
  run(trigger: 'schedule' | 'manual'): Promise<void>;
  running(): Promise<boolean>;
}

export interface JobInfo {
  name: string;
  title: string;
  schedule: JobSchedule;
  describe: string;
  running: boolean;
  nextRun: number | null;
}

/** Throws a sentence when the cron expression is not valid. */
export function cronFor(schedule: JobSchedule, fn?: () => void | Promise<void>): Cron | undefined {
  if (schedule.mode === 'off') return undefined;
  const opts = { protect: true, paused: !fn };
  try {
    if (schedule.mode === 'interval') {
      // At the top of an hour, at least N hours after the previous run.
      return fn ? new Cron('0 0 * * * *', { ...opts, interval: schedule.hours * 3600 }, fn) : new Cron('0 0 * * * *', { ...opts, interval: schedule.hours * 3600 });
    }
    return fn ? new Cron(schedule.cron, opts, fn) : new Cron(schedule.cron, opts);
  } catch (err) {
    throw new Error(`"${schedule.mode === 'cron' ? schedule.cron : ''}" is not a cron expression croner understands (${err instanceof Error ? err.message : String(err)}). Use five or six fields, e.g. "0 3 * * *" for 03:00 every day.`);
  }
}

export function describeSchedule(s: JobSchedule): string {
  if (s.mode === 'off') return 'Off (run it by hand)';
  if (s.mode === 'interval') return s.hours === 1 ? 'Every hour' : `Every ${s.hours} hours`;
  return `Cron: ${s.cron}`;
}

export class JobRegistry {
  private jobs = new Map<string, JobDefinition>();
  private crons = new Map<string, Cron>();
  private stopped = false;

  register(job: JobDefinition): void {
    this.jobs.set(job.name, job);
  }

  /** (Re)reads every job's schedule and arms its timer. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const name of this.jobs.keys()) await this.reschedule(name);
  }

  async reschedule(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) return;
    this.crons.get(name)?.stop();
    this.crons.delete(name);
    if (this.stopped) return;
    let cron: Cron | undefined;
    try {
      cron = cronFor(await job.schedule(), () => job.run('schedule'));
    } catch {
      cron = undefined; // an invalid stored schedule runs nothing; the settings page shows why
    }
    if (cron) this.crons.set(name, cron);
  }

  /** Runs a job now; `schedule` behaves as the timer would (tests and a missed tick). */
  async runNow(name: string, trigger: 'manual' | 'schedule' = 'manual'): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name}.`);
    await job.run(trigger);
  }

  async list(): Promise<JobInfo[]> {
    const out: JobInfo[] = [];
    for (const job of this.jobs.values()) out.push(await this.info(job));
    return out;
  }

  async get(name: string): Promise<JobInfo | undefined> {
    const job = this.jobs.get(name);
    return job && this.info(job);
  }

  private async info(job: JobDefinition): Promise<JobInfo> {
    const schedule = await job.schedule();
    const next = this.crons.get(job.name)?.nextRun();
    return { name: job.name, title: job.title, schedule, describe: describeSchedule(schedule), running: await job.running(), nextRun: next ? next.getTime() : null };
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.crons.values()) c.stop();
    this.crons.clear();
  }
}
