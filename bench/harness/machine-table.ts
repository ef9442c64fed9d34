import { MachineInfo } from './machine-info';

/** The results file's table of what was measured where. */
export function machineTable(machine: MachineInfo, code: string): string {
  return [
    '| Code | Node | CPUs | CPU model | OS | Date | Load (1 min) at start |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    `| ${code} | ${machine.node} | ${machine.cpus} | ${machine.cpuModel} | ${machine.platform} | ${machine.date} | ${machine.load.toFixed(2)} |`,
  ].join('\n');
}

/** The one line a bench's section opens with when it has no table of the machine: code, Node, cores, date, load. */
export function machineLine(machine: MachineInfo, code: string): string {
  return `Code ${code}; Node ${machine.node}, ${machine.cpus} CPUs, ${machine.date}, 1-min load at start ${machine.load.toFixed(2)}.`;
}
