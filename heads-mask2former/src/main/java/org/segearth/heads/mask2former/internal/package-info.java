/** Mask2Former building blocks, one class per Hugging Face module; not API. */
package org.segearth.heads.mask2former.internal;
