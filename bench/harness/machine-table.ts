import { MachineInfo } from './machine-info';

/** The results file's table of what was measured where. */
export function machineTable(machine: MachineInfo, code: string): string {
  return [
    '| Code | Node | CPUs | CPU model | OS | Date | Load (1 min) at start |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    `| ${code} | ${machine.node} | ${machine.cpus} | ${machine.cpuModel} | ${machine.platform} | ${machine.date} | ${machine.load.toFixed(2)} |`,
  ].join('\n');
}
