import os from 'node:os';

/** The machine a result was measured on, for the results file. */
export interface MachineInfo {
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  date: string;
  /** 1-minute load average when the bench started: other work on the machine skews every number. */
  load: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    load: os.loadavg()[0],
  };
}
