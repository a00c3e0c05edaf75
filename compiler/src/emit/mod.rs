//! Emitters: the IR written as ARM JSON and as Bicep.
