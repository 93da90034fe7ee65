mod smoke {
    #[test]
    fn ok() {}
}
