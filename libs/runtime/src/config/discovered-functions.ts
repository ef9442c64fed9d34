import { discoveredFunctionType } from '../function-type.registry';
import { GROUP_FUNCTION_SEPARATOR } from '../runtime.constants';
import { ConfiguredFunction, ConfiguredFunctionGroup } from './userscope-config.interface';

/** Whether a discovered group's `include`/`exclude` let its function `member` through. */
export function isSelected(group: Pick<ConfiguredFunctionGroup, 'selection'>, member: string): boolean {
  const { include, exclude } = group.selection;
  return include ? include.includes(member) : !exclude?.includes(member);
}

/**
 * The configured function `name` (`tickets__create_ticket`) stands for when `tickets` is a discovered
 * group that lets `create_ticket` through: such names are known only once the group has found its
 * functions, so any selected name is taken, and fails when called if the group has no such function.
 */
export function discoveredFunctionOf(groups: ReadonlyMap<string, ConfiguredFunctionGroup>, name: string): ConfiguredFunction | undefined {
  const at = name.indexOf(GROUP_FUNCTION_SEPARATOR);
  if (at <= 0) return undefined;
  const group = groups.get(name.slice(0, at));
  const member = name.slice(at + GROUP_FUNCTION_SEPARATOR.length);
  if (!group?.type.discovered || !member || !isSelected(group, member)) return undefined;
  return group.functions.find((fn) => fn.name === name) ?? configuredMember(group, member);
}

/** The group's function `member` as a configured function. */
export function configuredMember(group: ConfiguredFunctionGroup, member: string): ConfiguredFunction {
  return {
    name: `${group.name}${GROUP_FUNCTION_SEPARATOR}${member}`,
    path: group.path,
    type: discoveredFunctionType(group.type, member),
    config: group.config,
    references: group.references,
    group: group.name,
  };
}
