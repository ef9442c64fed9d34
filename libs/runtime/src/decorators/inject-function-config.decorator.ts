import { Inject } from '@nestjs/common';
import { FUNCTION_CONFIG, FUNCTION_NAME } from '../runtime.constants';

/** Injects the validated config of the configured function this instance was built for. */
export const InjectFunctionConfig = (): PropertyDecorator & ParameterDecorator => Inject(FUNCTION_CONFIG);

/** Injects the configured name of the function this instance was built for (`notepad`). */
export const InjectFunctionName = (): PropertyDecorator & ParameterDecorator => Inject(FUNCTION_NAME);
