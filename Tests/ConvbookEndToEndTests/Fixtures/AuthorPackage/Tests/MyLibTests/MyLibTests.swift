import MyLib
import XCTest

final class MyLibTests: XCTestCase {
    func testTriple() {
        XCTAssertEqual(triple(4), 12)
        XCTAssertEqual(triple(-2), -6)
    }
}
