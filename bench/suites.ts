// The other benchmark suites (symbols, replay, adapter), each returning JSON-ready result lines.

import { benchSymbols } from './symbols';
import { benchReplay } from './replay';
import { benchAdapter } from './adapter';
import { benchRaces } from './races';
import { benchLinuxBoot } from './linux-boot';
import { benchKernelSymbols } from './kernel-symbols';

export async function extraBenches(): Promise<object[]> {
  return [
    ...(await benchSymbols()),
    ...(await benchReplay()),
    ...(await benchAdapter()),
    ...(await benchRaces()),
    ...(await benchLinuxBoot()),
    ...(await benchKernelSymbols()),
  ];
}
