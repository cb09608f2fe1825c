/** Swin building blocks, one class per Hugging Face module; not API. */
package org.segearth.encoders.swin.internal;
