mod smoke { #[test] fn ok(){} }
mod ssda903;
