/**
 * Checkpoint I/O: safetensors and PyTorch zip ({@code torch.save}) reading (sharded, BF16/F16
 * conversion, strict key accounting), key maps that expose a checkpoint under other names without
 * copying it, and atomic writing.
 */
package org.segearth.runtime.checkpoint;
