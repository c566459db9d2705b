// Types from ShoalKernels that are part of Shoal's public surface, re-exported one by one.
@_exported import enum ShoalKernels.InstructionSet
