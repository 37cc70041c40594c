import type { ConsumerSchema } from './consumer-schema';
import { lpaOnlineToolV1 } from './lpa-online-tool/v1';
import { siriusCaseManagementV1 } from './sirius-case-management/v1';
import { siriusCaseManagementV2 } from './sirius-case-management/v2';
import { useAnLpaV1 } from './use-an-lpa/v1';
import { useAnLpaV2 } from './use-an-lpa/v2';
import { useAnLpaV3 } from './use-an-lpa/v3';

/** Every consumer schema version the gateway serves. Adding one is adding a line here. */
export const consumerSchemas: readonly ConsumerSchema[] = [useAnLpaV1, useAnLpaV2, useAnLpaV3, lpaOnlineToolV1, siriusCaseManagementV1, siriusCaseManagementV2];
