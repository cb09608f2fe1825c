/**
 * Checkpoint I/O: memory-mapped safetensors reading (sharded, BF16/F16 conversion, strict key accounting) and atomic writing.
 */
package org.segearth.runtime.checkpoint;
