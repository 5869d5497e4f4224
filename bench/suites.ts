// The other benchmark suites (symbols, replay, adapter), each returning JSON-ready result lines.

export async function extraBenches(): Promise<object[]> {
  return [];
}
