import { NestFactory } from '@nestjs/core';
import { RunsService, UsersService } from '@userscope/batch';
import { loadApplication, UserscopeModule } from 'userscope';
import { measureInChild } from '../harness/child-measurement';
import { cpuSecondsOf } from '../harness/process-cpu';
import { benchUsers, runToEnd } from '../batch/finished-run';

export interface CoordinatorParams {
  configFile: string;
  users: number;
  warmupUsers: number;
  concurrency: number;
  /** The worker processes of this round, whose CPU counts too (none inline). */
  workerPids: number[];
}

export interface CoordinatorResult {
  wallMs: number;
  /** CPU ms during the measured run: this process, and the workers together. */
  coordinatorCpuMs: number;
  workersCpuMs: number;
}

/**
 * The process that starts the run and holds it (the config's batch section says inline or bullmq,
 * and whether it works jobs): imports the users, runs a warm-up run, then the measured one, timing it
 * and reading the CPU it and the round's workers used meanwhile.
 */
measureInChild<CoordinatorParams, CoordinatorResult>(async (params) => {
  const loaded = loadApplication(params.configFile);
  const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loaded), { logger: ['error', 'warn'] });
  try {
    const runs = app.get(RunsService);
    const warmup = benchUsers('warm', params.warmupUsers);
    const measured = benchUsers('u', params.users);
    await app.get(UsersService).import({ json: [...warmup, ...measured] });
    // JIT, connections and the workers' first sessions warm, as in a cluster that has been up a while.
    await runToEnd(runs, 'script', warmup.map((user) => user.id), params.concurrency);
    const workersCpu = () => params.workerPids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0) * 1000;
    const [ownBefore, workersBefore, started] = [process.cpuUsage(), workersCpu(), performance.now()];
    await runToEnd(runs, 'script', measured.map((user) => user.id), params.concurrency);
    const wallMs = performance.now() - started;
    const own = process.cpuUsage(ownBefore);
    return { wallMs, coordinatorCpuMs: (own.user + own.system) / 1000, workersCpuMs: workersCpu() - workersBefore };
  } finally {
    await app.close();
  }
});
